package io.forkpool.worker.protocol;

import io.forkpool.kind.JobRequest;
import io.forkpool.kind.Partial;

/** What parent and worker say to each other, one message per frame. */
public sealed interface Message {

    /** Protocol version both sides must speak; the worker's first frame announces it. */
    int VERSION = 1;

    /** Worker to parent, once, when its kernels are warm and it can take shards. */
    record Hello(int version, long pid) implements Message {}

    /** Parent to worker: compute shard {@code shard} of {@code request}; {@code ticket} names this try. */
    record Run(long ticket, JobRequest request, int shard) implements Message {}

    /** Worker to parent: the shard's partial and the time the kernel took. */
    record Done(long ticket, long computeNanos, Partial partial) implements Message {}

    /** Worker to parent: the kernel threw; the worker stays usable. */
    record Failed(long ticket, String reason) implements Message {}
}
