package io.forkpool.job;

import io.forkpool.plugin.FieldError;
import java.util.List;

/** A job that is not accepted: invalid fields (400), a full service (503), a reused key (409). */
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

    public static final class KeyReused extends JobRejectedException {
        public KeyReused() {
            super("this Idempotency-Key was used with a different job body");
        }
    }
}
