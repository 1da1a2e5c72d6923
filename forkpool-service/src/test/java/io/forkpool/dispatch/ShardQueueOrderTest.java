package io.forkpool.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.plugin.JobRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The order the queue hands shards out, exactly: tenants by weight, within a tenant by priority,
 * within a priority jobs in turn, retries first; every shard once.
 */
class ShardQueueOrderTest {

    /** A job of {@code shards} shards, named for the order it shows in. */
    static final class Work implements ShardSource, ShardSink {
        final String name;
        final String tenant;
        final Priority priority;
        final int shards;
        int next;
        boolean finished;

        Work(String name, String tenant, Priority priority, int shards) {
            this.name = name;
            this.tenant = tenant;
            this.priority = priority;
            this.shards = shards;
        }

        @Override
        public int nextShard() {
            return finished || next >= shards ? -1 : next++;
        }

        @Override
        public long shardsLeft() {
            return shards - next;
        }

        @Override
        public JobRequest request() {
            return null;
        }

        @Override
        public boolean isFinished() {
            return finished;
        }

        @Override
        public void dispatched() {}

        @Override
        public void shardDone(int shard, byte[] partial, long computeNanos) {}

        @Override
        public void shardFailed(int shard, String problem) {}

        @Override
        public String tenant() {
            return tenant;
        }

        @Override
        public Priority priority() {
            return priority;
        }
    }

    private static List<String> drain(ShardQueue queue) {
        var order = new ArrayList<String>();
        ShardTask task;
        while ((task = queue.poll()) != null) {
            order.add(((Work) task.sink()).name + task.shard() + (task.attempt() > 0 ? "'" : ""));
        }
        return order;
    }

    @Test
    void tenantsByWeightThenPriorityThenJobsInTurn() {
        var queue = new ShardQueue(Map.of("alice", 2, "bob", 1)::get);
        queue.add(new Work("a", "alice", Priority.NORMAL, 3));
        queue.add(new Work("b", "alice", Priority.NORMAL, 2));
        queue.add(new Work("h", "alice", Priority.HIGH, 2));
        queue.add(new Work("l", "alice", Priority.LOW, 1));
        queue.add(new Work("x", "bob", Priority.NORMAL, 3));
        assertThat(queue.queued()).isEqualTo(11);
        // alice:bob 2:1 while both wait; alice's high job first, then its normal jobs in turn, low last;
        // once bob has nothing left, alice takes every shard
        assertThat(drain(queue)).containsExactly("h0", "x0", "h1", "a0", "x1", "b0", "a1", "x2", "b1", "a2", "l0");
        assertThat(queue.queued()).isZero();
    }

    @Test
    void aHighJobSubmittedLaterGoesFirstAtTheNextShardBoundary() {
        var queue = new ShardQueue();
        var big = new Work("n", "alice", Priority.NORMAL, 5);
        queue.add(big);
        assertThat(queue.poll().shard()).isZero();
        assertThat(queue.poll().shard()).isEqualTo(1);
        queue.add(new Work("h", "alice", Priority.HIGH, 2));
        assertThat(drain(queue)).containsExactly("h0", "h1", "n2", "n3", "n4");
    }

    @Test
    void aRetryGoesBeforeItsJobsFreshShardsInItsTenantsTurn() {
        var queue = new ShardQueue(Map.of("alice", 1, "bob", 1)::get);
        var a = new Work("a", "alice", Priority.NORMAL, 3);
        queue.add(a);
        queue.add(new Work("x", "bob", Priority.NORMAL, 2));
        var first = queue.poll(); // a0
        queue.retry(first.nextAttempt());
        assertThat(drain(queue)).containsExactly("x0", "a0'", "x1", "a1", "a2");
    }

    @Test
    void aFinishedJobsShardsAreNotHandedOut() {
        var queue = new ShardQueue(Map.of("alice", 1, "bob", 1)::get);
        var cancelled = new Work("a", "alice", Priority.NORMAL, 4);
        queue.add(cancelled);
        queue.add(new Work("x", "bob", Priority.NORMAL, 2));
        assertThat(queue.poll().shard()).isZero();
        cancelled.finished = true;
        assertThat(drain(queue)).containsExactly("x0", "x1");
    }
}
