package io.forkpool.dispatch;

import java.time.Instant;

/**
 * One try of one shard on one worker process, as it ended: what a job's shard timeline draws.
 *
 * @param shard the shard's index in its job
 * @param attempt 0 for the first try
 * @param worker the worker's slot
 * @param pid the worker process (a replaced worker is another process, so another row)
 * @param replica the service replica whose worker it was (redis backend), else null
 * @param start when the shard was sent to the worker
 * @param end when its answer (or the worker's loss) arrived
 * @param outcome {@code done}, {@code failed} (the kernel threw) or how the worker was lost
 *     ({@code crash}, {@code timeout}, {@code protocol}, ...)
 */
public record ShardAttempt(
        int shard, int attempt, int worker, long pid, String replica, Instant start, Instant end, String outcome) {

    public static final String DONE = "done";

    /** The same try, as seen from {@code replica}. */
    public ShardAttempt on(String replica) {
        return new ShardAttempt(shard, attempt, worker, pid, replica, start, end, outcome);
    }

    public boolean succeeded() {
        return DONE.equals(outcome);
    }
}
