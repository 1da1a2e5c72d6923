package io.forkpool.batch;

import io.forkpool.job.Job;
import io.forkpool.job.JobStatus;
import io.forkpool.job.JobStore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A batch as the API shows it: its jobs counted by status and their shards summed. */
record BatchView(
        String id,
        int size,
        Map<JobStatus, Integer> counts,
        Progress progress,
        Instant created,
        Instant finished,
        Links links) {

    record Progress(long shardsDone, long shardsTotal) {}

    record Links(String self, String jobs) {}

    static BatchView of(JobStore.Batch batch, List<Job.Snapshot> jobs) {
        var counts = new LinkedHashMap<JobStatus, Integer>();
        for (JobStatus status : JobStatus.values()) {
            counts.put(status, 0);
        }
        long done = 0;
        long total = 0;
        Instant finished = null;
        boolean ended = jobs.size() == batch.size();
        for (Job.Snapshot job : jobs) {
            counts.merge(job.status(), 1, Integer::sum);
            done += job.shardsDone();
            total += job.shardsTotal();
            if (!job.status().isFinal()) {
                ended = false;
            } else if (job.finishedAt() != null
                    && (finished == null || job.finishedAt().isAfter(finished))) {
                finished = job.finishedAt();
            }
        }
        String self = "/api/v1/batches/" + batch.id();
        return new BatchView(
                batch.id(),
                batch.size(),
                counts,
                new Progress(done, total),
                batch.created(),
                ended ? finished : null,
                new Links(self, "/api/v1/jobs?batch=" + batch.id()));
    }
}
