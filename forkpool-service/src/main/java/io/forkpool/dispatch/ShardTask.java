package io.forkpool.dispatch;

/** One shard of one job, on its {@code attempt}-th try (0 = first). */
public record ShardTask(ShardedWork work, int shard, int attempt) {

    ShardTask nextAttempt() {
        return new ShardTask(work, shard, attempt + 1);
    }
}
