package io.forkpool.job;

import io.forkpool.plugin.FieldError;
import java.util.List;

/**
 * Checks a job's {@code notify} field, where its end is posted (the webhook feature implements
 * it, so that admission does not depend on how the post is made).
 */
public interface NotifyTargets {

    /**
     * The URL to post the job's end to, or null for none: the field's (absent: the service's
     * default; JSON null: none). A bad field adds its errors, named {@code notify.url}, and gives null.
     */
    String check(tools.jackson.databind.JsonNode notify, List<FieldError> errors);
}
