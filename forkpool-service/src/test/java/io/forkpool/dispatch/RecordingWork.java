package io.forkpool.dispatch;

import io.forkpool.plugin.JobRequest;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;

/** A minimal job for dispatcher tests: merges each shard once and completes with the sum. */
public final class RecordingWork implements ShardSource, ShardSink {

    public final CompletableFuture<Object> result = new CompletableFuture<>();
    public final CompletableFuture<String> failure = new CompletableFuture<>();
    private final JobRequest request;
    private final BitSet merged;
    private int next;
    private int done;
    private int answers;
    private Object sum;

    public RecordingWork(JobRequest request) {
        this.request = request;
        this.merged = new BitSet(request.shardCount());
    }

    @Override
    public JobRequest request() {
        return request;
    }

    @Override
    public synchronized int nextShard() {
        return isFinished() || next >= request.shardCount() ? -1 : next++;
    }

    @Override
    public synchronized long shardsLeft() {
        return request.shardCount() - next;
    }

    @Override
    public boolean isFinished() {
        return result.isDone() || failure.isDone();
    }

    @Override
    public void dispatched() {}

    @Override
    public synchronized void shardDone(int shard, byte[] bytes, long computeNanos) {
        answers++;
        if (merged.get(shard)) {
            return;
        }
        merged.set(shard);
        Object partial = request.decodePartial(bytes);
        sum = sum == null ? partial : request.merge(sum, partial);
        if (++done == request.shardCount()) {
            result.complete(sum);
        }
    }

    @Override
    public void shardFailed(int shard, String problem) {
        failure.complete(problem);
    }

    public synchronized int answers() {
        return answers;
    }
}
