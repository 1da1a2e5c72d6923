package io.forkpool.dispatch;

/** One shard of one job ({@code work}, where its outcome goes), on its {@code attempt}-th try (0 = first). */
public record ShardTask(ShardSink work, int shard, int attempt) {

    ShardTask nextAttempt() {
        return new ShardTask(work, shard, attempt + 1);
    }
}
