/**
 * What a forkpool job kind is made of. A kind author implements {@link io.forkpool.kind.api.JobKind}
 * and lists the class in {@code META-INF/services/io.forkpool.kind.api.JobKind}; an operator puts
 * the jar in the service's {@code forkpool.kinds.dir}. The five built-in kinds use this interface too.
 *
 * <p>Plain Java: no Spring, no Jackson. Requests are records whose fields carry Jakarta Bean
 * Validation annotations; partials cross the worker pipe and Redis through a {@link
 * io.forkpool.kind.api.Codec}; randomness comes from forkpool, one stream per block, so a result
 * never depends on how many workers, replicas or retries ran it.
 */
package io.forkpool.kind.api;
