package io.forkpool.dispatch;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The queue of shards, fair across jobs: jobs take turns, one shard each, so a tiny job submitted
 * behind a huge one waits about one shard, not the whole huge job. Shards are made on demand
 * from each job's cursor, so a job of a million shards costs one entry here. Retries go before
 * their job's fresh shards.
 */
public final class ShardQueue implements ShardTransport {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final ArrayDeque<Turn> rotation = new ArrayDeque<>();
    private final Map<ShardSink, Turn> turns = new HashMap<>();

    /**
     * A job's place in the rotation and the retries it owes; {@code fresh} is null for a job back
     * only for a retry (its source had nothing left to hand out when it left the rotation).
     */
    private record Turn(ShardSink sink, ShardSource fresh, ArrayDeque<ShardTask> retries) {}

    /** Queues a job's shards; they go out in turn with every other job's. */
    @Override
    public <W extends ShardSource & ShardSink> void add(W job) {
        lock.lock();
        try {
            turnOf(job, job);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void retry(ShardTask task) {
        lock.lock();
        try {
            turnOf(task.sink(), null).retries.addLast(task);
        } finally {
            lock.unlock();
        }
    }

    /** Blocks until some job has a shard to hand out. */
    @Override
    public ShardTask take(int idleWorkers) throws InterruptedException {
        lock.lock();
        try {
            ShardTask task;
            while ((task = nextInTurn()) == null) {
                notEmpty.await();
            }
            return task;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ShardTask poll() {
        lock.lock();
        try {
            return nextInTurn();
        } finally {
            lock.unlock();
        }
    }

    /** The next job in the rotation's next shard (that job goes to the back), or null; holds the lock. */
    private ShardTask nextInTurn() {
        Turn turn;
        while ((turn = rotation.pollFirst()) != null) {
            ShardTask task = next(turn);
            if (task != null) {
                rotation.addLast(turn);
                return task;
            }
            turns.remove(turn.sink()); // this job has nothing left to hand out
        }
        return null;
    }

    /** Shards waiting for a worker, over all jobs. */
    @Override
    public long queued() {
        lock.lock();
        try {
            long n = 0;
            for (Turn turn : rotation) {
                if (!turn.sink().isFinished()) {
                    n += turn.retries.size()
                            + (turn.fresh() == null ? 0 : turn.fresh().shardsLeft());
                }
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    private static ShardTask next(Turn turn) {
        if (turn.sink().isFinished()) {
            return null;
        }
        ShardTask retry = turn.retries.pollFirst();
        if (retry != null) {
            return retry;
        }
        int shard = turn.fresh() == null ? -1 : turn.fresh().nextShard();
        return shard < 0 ? null : new ShardTask(turn.sink(), shard, 0);
    }

    private Turn turnOf(ShardSink sink, ShardSource fresh) {
        Turn turn = turns.get(sink);
        if (turn == null) {
            turn = new Turn(sink, fresh, new ArrayDeque<>());
            turns.put(sink, turn);
            rotation.addLast(turn);
            notEmpty.signal();
        }
        return turn;
    }
}
