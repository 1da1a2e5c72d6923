/**
 * Tenants: who calls the API ({@code forkpool.security.*}), found by their key in constant time;
 * each job belongs to the tenant that submitted it (others get 404), counts against its quotas,
 * and its shards get the tenant's fair-share weight. Without keys there is one tenant, which sees all.
 */
package io.forkpool.tenant;
