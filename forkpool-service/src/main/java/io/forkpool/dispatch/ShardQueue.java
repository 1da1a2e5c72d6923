package io.forkpool.dispatch;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToIntFunction;

/**
 * The queue of shards, fair across tenants and across jobs: the next shard goes to the tenant
 * {@link FairShare} picks (workers shared in proportion to the tenants' weights while several have
 * shards waiting), then within that tenant to its highest {@link Priority} with shards waiting,
 * and there jobs take turns, one shard each, so a tiny job submitted behind a huge one waits about
 * one shard, not the whole huge job. Shards are made on demand from each job's cursor, so a job
 * of a million shards costs one entry here. Retries go before their job's fresh shards. Only the
 * order changes: every shard of every job is handed out, once per try.
 */
public final class ShardQueue implements ShardTransport {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final FairShare share;
    /** Per tenant, its jobs in turn, one rotation per priority. */
    private final Map<String, Lane> lanes = new HashMap<>();

    private final Map<ShardSink, Turn> turns = new HashMap<>();

    /**
     * A job's place in the rotation and the retries it owes; {@code fresh} is null for a job back
     * only for a retry (its source had nothing left to hand out when it left the rotation).
     */
    private record Turn(ShardSink sink, ShardSource fresh, ArrayDeque<ShardTask> retries) {}

    /** A tenant's jobs: a rotation per priority, highest first. */
    private record Lane(ArrayDeque<Turn>[] rotations) {

        @SuppressWarnings("unchecked")
        Lane() {
            this(new ArrayDeque[Priority.values().length]);
            for (int i = 0; i < rotations.length; i++) {
                rotations[i] = new ArrayDeque<>();
            }
        }
    }

    /** Every tenant of weight 1 (one tenant, or tests). */
    public ShardQueue() {
        this(tenant -> 1);
    }

    /** Tenants share the workers by {@code weights} (a tenant's name to its weight, 1 or more). */
    public ShardQueue(ToIntFunction<String> weights) {
        this.share = new FairShare(weights);
    }

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

    /** The next shard of the tenant whose turn it is, or null; holds the lock. */
    private ShardTask nextInTurn() {
        String tenant;
        while ((tenant = share.pick()) != null) {
            ShardTask task = next(lanes.get(tenant));
            if (task != null) {
                share.charge(tenant);
                return task;
            }
            lanes.remove(tenant); // this tenant has nothing left to hand out
            share.idle(tenant);
        }
        return null;
    }

    /** The lane's highest priority's next job's next shard (that job goes to the back), or null. */
    private ShardTask next(Lane lane) {
        for (ArrayDeque<Turn> rotation : lane.rotations()) {
            Turn turn;
            while ((turn = rotation.pollFirst()) != null) {
                ShardTask task = next(turn);
                if (task != null) {
                    rotation.addLast(turn);
                    return task;
                }
                turns.remove(turn.sink()); // this job has nothing left to hand out
            }
        }
        return null;
    }

    /** Shards waiting for a worker, over all jobs. */
    @Override
    public long queued() {
        lock.lock();
        try {
            long n = 0;
            for (Turn turn : turns.values()) {
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
            String tenant = sink.tenant();
            lanes.computeIfAbsent(tenant, t -> new Lane())
                    .rotations()[sink.priority().ordinal()]
                    .addLast(turn);
            share.waiting(tenant);
            notEmpty.signal();
        }
        return turn;
    }
}
