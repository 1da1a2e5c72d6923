package io.forkpool.job;

import io.forkpool.tenant.Tenant;
import java.util.HashMap;
import java.util.Map;

/**
 * Each tenant's unfinished jobs and their work units, held against the tenant's quotas at
 * admission: for the stores of one service (memory, embedded); Redis keeps its own in Redis.
 */
public final class TenantLoad {

    /** Per tenant: {jobs, units}; guarded by this. */
    private final Map<String, long[]> load = new HashMap<>();

    /**
     * Counts {@code jobs} jobs of {@code units} work units in all for {@code tenant}, or, if that
     * would take it past a quota, counts nothing and throws {@link JobRejectedException.OverQuota}.
     */
    public synchronized void admit(Tenant tenant, int jobs, long units) {
        long[] held = load.computeIfAbsent(tenant.name(), k -> new long[2]);
        if (tenant.maxJobs() > 0 && held[0] + jobs > tenant.maxJobs()) {
            throw new JobRejectedException.OverQuota(
                    "max-jobs",
                    tenant.maxJobs(),
                    "tenant " + tenant.name() + " has " + held[0] + " jobs queued or running; its max-jobs is "
                            + tenant.maxJobs());
        }
        if (tenant.maxRunningSamples() > 0 && held[1] + units > tenant.maxRunningSamples()) {
            throw new JobRejectedException.OverQuota(
                    "max-running-samples",
                    tenant.maxRunningSamples(),
                    "tenant " + tenant.name() + " has " + held[1] + " samples in unfinished jobs, and this takes "
                            + units + " more; its max-running-samples is " + tenant.maxRunningSamples());
        }
        held[0] += jobs;
        held[1] += units;
    }

    /** A job of {@code tenant} (null: the default tenant) with {@code units} work units ended, or was not kept. */
    public synchronized void release(String tenant, int jobs, long units) {
        String name = tenant == null ? Tenant.DEFAULT_NAME : tenant;
        long[] held = load.get(name);
        if (held != null) {
            held[0] -= jobs;
            held[1] -= units;
            if (held[0] <= 0) {
                load.remove(name);
            }
        }
    }

    /** Counts a job that is already admitted (one resumed after a restart), whatever the quotas. */
    public synchronized void resumed(String tenant, long units) {
        long[] held = load.computeIfAbsent(tenant == null ? Tenant.DEFAULT_NAME : tenant, k -> new long[2]);
        held[0]++;
        held[1] += units;
    }
}
