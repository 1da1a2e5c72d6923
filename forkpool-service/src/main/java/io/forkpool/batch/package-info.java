/**
 * Batches: many job bodies admitted in one request, all or none, followed and cancelled as one
 * resource. The jobs themselves are ordinary jobs of the {@link io.forkpool.job.JobStore}, each
 * marked with its batch's id.
 */
package io.forkpool.batch;
