/**
 * Webhooks: a job's end POSTed, signed, to the URL of its {@code notify} field (or the service's
 * default), retried with exponential back-off for a bounded time, every attempt kept beside the job
 * ({@code GET /api/v1/jobs/{id}/deliveries}) through a {@link io.forkpool.webhook.DeliveryLog} of
 * the chosen backend. Settings under {@code forkpool.webhooks.*}.
 */
package io.forkpool.webhook;
