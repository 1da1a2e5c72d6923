package io.forkpool.job;

import io.forkpool.plugin.FieldError;
import java.util.List;

/** A job that is not accepted: invalid fields (400), a full service (503), a tenant over its quota (429), a reused
 * key (409). */
public sealed class JobRejectedException extends RuntimeException {

    JobRejectedException(String message) {
        super(message);
    }

    public static final class Invalid extends JobRejectedException {
        private final List<FieldError> errors;

        public Invalid(List<FieldError> errors) {
            super("the job has " + errors.size() + " invalid field(s)");
            this.errors = errors;
        }

        public List<FieldError> errors() {
            return errors;
        }
    }

    public static final class Full extends JobRejectedException {
        private final String reason;

        public Full(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    /** A tenant past one of its quotas (429): {@code quota} is the property's name, {@code limit} its value. */
    public static final class OverQuota extends JobRejectedException {
        private final String quota;
        private final long limit;

        public OverQuota(String quota, long limit, String message) {
            super(message);
            this.quota = quota;
            this.limit = limit;
        }

        public String quota() {
            return quota;
        }

        public long limit() {
            return limit;
        }
    }

    public static final class KeyReused extends JobRejectedException {
        public KeyReused() {
            super("this Idempotency-Key was used with a different job body");
        }
    }
}
