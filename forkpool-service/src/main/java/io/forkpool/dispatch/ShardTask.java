package io.forkpool.dispatch;

/** One shard of one job ({@code sink}, where its outcome goes), on its {@code attempt}-th try (0 = first). */
public record ShardTask(ShardSink sink, int shard, int attempt) {

    ShardTask nextAttempt() {
        return new ShardTask(sink, shard, attempt + 1);
    }
}
