package io.forkpool.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Every attempt to post a job's end, kept with the job (and forgotten with it) where every replica
 * reads it: one implementation per backend.
 */
public interface DeliveryLog {

    void record(String jobId, Attempt attempt);

    /** The job's attempts, oldest first; empty if none. */
    List<Attempt> attempts(String jobId);

    /**
     * Jobs with a webhook that ended after {@code since} and whose end is neither delivered nor
     * given up on: a store that outlives a restart posts them again at the next start (a stop
     * between a job's end and its delivery must not lose the delivery). By default none.
     */
    default List<String> undelivered(Instant since) {
        return List.of();
    }

    /**
     * Whether pending deliveries are kept where every replica sees them (redis): then one replica
     * at a time holds a job's delivery ({@link #hold}), and any replica takes over one whose holder
     * stopped holding it ({@link #takeOver}). Otherwise none of the four below does anything: the
     * replica where the job ended posts it, and a store that outlives a restart posts it again.
     */
    default boolean shared() {
        return false;
    }

    /**
     * Holds the job's pending delivery for {@code holder} for {@code lease} (no other replica takes
     * it over before), making it pending if {@code create}, else only if it still is (not settled,
     * say by a replica that took it over) → false if another holder has it or it is no longer
     * pending: {@code holder} must not post it.
     */
    default boolean hold(String jobId, String holder, Duration lease, boolean create) {
        return true;
    }

    /** The job's delivery is delivered or given up on: no longer pending (unless another holds it). */
    default void settle(String jobId, String holder) {}

    /**
     * Up to {@code n} pending deliveries whose holder's lease ran out (it stopped, or died), now
     * held by {@code holder} for {@code lease}: each is taken by one replica only.
     */
    default List<String> takeOver(String holder, Duration lease, int n) {
        return List.of();
    }

    /**
     * One POST of a job's end.
     *
     * @param deliveryId the same for every attempt of one end (a receiver drops repeats by it)
     * @param attempt 1, 2, ...
     * @param outcome {@code delivered} (a 2xx), {@code failed} (retried) or {@code gave_up} (the last)
     * @param status the receiver's HTTP status, or null if none came
     * @param error why it failed, or null
     */
    @io.swagger.v3.oas.annotations.media.Schema(name = "DeliveryAttempt")
    record Attempt(
            String deliveryId,
            int attempt,
            String url,
            Instant at,
            String outcome,
            Integer status,
            String error,
            long millis) {}
}
