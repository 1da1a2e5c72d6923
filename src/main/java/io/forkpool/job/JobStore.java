package io.forkpool.job;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;

/**
 * The jobs this service knows, in memory, newest first. Finished jobs are forgotten after
 * {@link JobSettings#retention()} or when more than {@link JobSettings#maxRetained()} have ended.
 */
@org.springframework.stereotype.Component
class JobStore {

    private final JobSettings settings;
    private final ConcurrentHashMap<String, Job> byId = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Long, Job> bySequence = new ConcurrentSkipListMap<>();

    JobStore(JobSettings settings) {
        this.settings = settings;
    }

    void add(Job job) {
        byId.put(job.id(), job);
        bySequence.put(job.sequence(), job);
    }

    Optional<Job> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** One page of the jobs that match, newest first, and how many match in all. */
    record Page(List<Job> jobs, long total) {}

    Page page(Predicate<Job> filter, int page, int size) {
        var matching = bySequence.descendingMap().values().stream().filter(filter).toList();
        long from = Math.min((long) page * size, matching.size());
        return new Page(matching.subList((int) from, (int) Math.min(from + size, matching.size())), matching.size());
    }

    List<Job> unfinished() {
        return byId.values().stream().filter(j -> !j.isFinished()).toList();
    }

    /** Drops finished jobs past their retention, then the oldest finished beyond the count. */
    void expire() {
        var cutoff = java.time.Instant.now().minus(settings.retention());
        int finishedKept = 0;
        for (Job job : bySequence.descendingMap().values()) {
            var s = job.snapshot();
            if (!s.status().isFinal()) {
                continue;
            }
            if (s.finishedAt().isBefore(cutoff) || ++finishedKept > settings.maxRetained()) {
                byId.remove(job.id());
                bySequence.remove(job.sequence());
            }
        }
    }
}
