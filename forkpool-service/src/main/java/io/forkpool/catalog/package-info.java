/**
 * The installed kinds as the HTTP API shows them: a job body bound and validated against its
 * kind's request record ({@link io.forkpool.catalog.RequestBinder}), each kind's JSON Schema
 * ({@link io.forkpool.catalog.KindSchemas}), {@code GET /api/v1/kinds} and the OpenAPI document
 * built from the installed kinds.
 */
package io.forkpool.catalog;
