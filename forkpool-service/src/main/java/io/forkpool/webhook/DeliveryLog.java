package io.forkpool.webhook;

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
