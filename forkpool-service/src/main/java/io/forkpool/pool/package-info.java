/**
 * The worker pool as the service shows it: {@code GET /api/v1/workers} (this replica's workers,
 * or every replica's through the {@link io.forkpool.pool.WorkerDirectory} of the redis backend)
 * and the {@code workers} part of readiness. The pool itself is {@code worker/}; it sits below
 * {@code dispatch/}, which this package reads, so the two cannot share a package.
 */
package io.forkpool.pool;
