package io.forkpool.webhook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The attempts of the memory backend: in this JVM, for at most as many jobs as it keeps. */
public final class InMemoryDeliveryLog implements DeliveryLog {

    private final Map<String, List<Attempt>> byJob;

    public InMemoryDeliveryLog(int maxJobs) {
        this.byJob = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<Attempt>> eldest) {
                return size() > maxJobs;
            }
        };
    }

    @Override
    public synchronized void record(String jobId, Attempt attempt) {
        byJob.computeIfAbsent(jobId, k -> new ArrayList<>()).add(attempt);
    }

    @Override
    public synchronized List<Attempt> attempts(String jobId) {
        return List.copyOf(byJob.getOrDefault(jobId, List.of()));
    }
}
