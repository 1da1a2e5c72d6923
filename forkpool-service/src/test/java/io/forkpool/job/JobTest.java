package io.forkpool.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.kind.TestJobs;
import io.forkpool.plugin.JobRequest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A job's state changes, each through what moves it (dispatch, answers, failure, cancel), and the table they follow. */
class JobTest {

    final List<JobStatus> heard = new ArrayList<>();
    final List<JobStatus> ending = new ArrayList<>();

    Job job(JobRequest request) {
        return new Job("job-1", 1, request, null, j -> ending.add(j.status()), j -> heard.add(j.status()));
    }

    @Test
    void theTableAllowsOnlyForwardChangesAndNoneOutOfAnEnd() {
        var expected = java.util.Map.of(
                JobStatus.QUEUED, EnumSet.of(JobStatus.RUNNING, JobStatus.FAILED, JobStatus.CANCELLED),
                JobStatus.RUNNING, EnumSet.of(JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED),
                JobStatus.SUCCEEDED, EnumSet.noneOf(JobStatus.class),
                JobStatus.FAILED, EnumSet.noneOf(JobStatus.class),
                JobStatus.CANCELLED, EnumSet.noneOf(JobStatus.class));
        for (JobStatus from : JobStatus.values()) {
            Set<JobStatus> allowed = EnumSet.noneOf(JobStatus.class);
            for (JobStatus to : JobStatus.values()) {
                if (from.canBecome(to)) {
                    allowed.add(to);
                }
            }
            assertThat(allowed).as("from " + from).isEqualTo(expected.get(from));
            assertThat(from.isFinal()).isEqualTo(expected.get(from).isEmpty());
        }
    }

    @Test
    void queuedThenRunningOnItsFirstDispatchThenSucceededOnItsLastShardWithTheKernelsResult() {
        var request = TestJobs.pi(3_000_000L, 11L);
        assertThat(request.shardCount()).isGreaterThan(1);
        var job = job(request);
        assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(job.snapshot().startedAt()).isNull();

        job.dispatched();
        job.dispatched(); // the second shard's dispatch changes nothing
        assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(heard).containsExactly(JobStatus.RUNNING);
        assertThat(job.snapshot().startedAt()).isNotNull();

        for (int s = request.shardCount() - 1; s >= 0; s--) { // in any order
            job.shardDone(s, request.computeEncoded(s), 10);
            if (s == 1) {
                job.shardDone(s, request.computeEncoded(s), 10); // delivered twice: merged once
            }
        }
        var done = job.snapshot();
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.shardsDone()).isEqualTo(request.shardCount());
        assertThat(done.computeNanos()).isEqualTo(10L * request.shardCount());
        assertThat(done.result()).usingRecursiveComparison().isEqualTo(request.finish(TestJobs.reference(request)));
        assertThat(done.finishedAt()).isAfterOrEqualTo(done.startedAt());
        assertThat(heard).containsExactly(JobStatus.RUNNING, JobStatus.SUCCEEDED);
        assertThat(ending).as("told just before it turns final").containsExactly(JobStatus.RUNNING);
        assertThat(job.finished()).isCompletedWithValue(job);
        assertThat(job.nextShard()).as("nothing more to hand out").isEqualTo(-1);
    }

    @Test
    void aQueuedJobCancelledEndsOnceAndIgnoresWhatComesAfter() {
        var request = TestJobs.pi(3_000_000L, 12L);
        var job = job(request);
        assertThat(job.cancel()).isTrue();
        assertThat(job.cancel()).as("once").isFalse();
        assertThat(job.fail("too late")).isFalse();
        job.dispatched();
        job.shardDone(0, request.computeEncoded(0), 1);
        var s = job.snapshot();
        assertThat(s.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(s.error()).isEqualTo("cancelled by request");
        assertThat(s.shardsDone()).isZero();
        assertThat(s.startedAt()).as("never ran").isNull();
        assertThat(heard).containsExactly(JobStatus.CANCELLED);
        assertThat(job.shardsLeft()).isZero();
    }

    @Test
    void aRunningJobFailsWithItsReasonAndLaterAnswersAreIgnored() {
        var request = TestJobs.pi(3_000_000L, 13L);
        var job = job(request);
        job.dispatched();
        job.shardDone(0, request.computeEncoded(0), 1);
        job.shardFailed(1, "shard 1 failed 3 times");
        job.shardDone(2, request.computeEncoded(2), 1);
        var s = job.snapshot();
        assertThat(s.status()).isEqualTo(JobStatus.FAILED);
        assertThat(s.error()).isEqualTo("shard 1 failed 3 times");
        assertThat(s.shardsDone()).isEqualTo(1);
        assertThat(s.result()).isNull();
        assertThat(heard).containsExactly(JobStatus.RUNNING, JobStatus.FAILED);
        assertThat(job.cancel()).isFalse();
    }

    @Test
    void aPartialThatCannotBeReadFailsTheJobNamingItsShard() {
        var request = TestJobs.pi(3_000_000L, 14L);
        var job = job(request);
        job.dispatched();
        job.shardDone(1, new byte[] {1, 2, 3}, 1);
        var s = job.snapshot();
        assertThat(s.status()).isEqualTo(JobStatus.FAILED);
        assertThat(s.error()).startsWith("kind pi, shard 1: its partial could not be merged");
    }
}
