package io.forkpool.dispatch;

/**
 * Hears of every shard try that ends on this replica's workers, whichever way, after its job has
 * been told: tracing draws a span of it. Called on the thread that merged the answer or buried the
 * worker, under ShardOutcomes' lock, so it must be quick and must not call back into the pool.
 */
@FunctionalInterface
public interface AttemptListener {

    AttemptListener NONE = (sink, attempt) -> {};

    void ended(ShardSink sink, ShardAttempt attempt);
}
