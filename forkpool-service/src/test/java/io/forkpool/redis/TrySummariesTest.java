package io.forkpool.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.forkpool.dispatch.ShardAttempt;
import io.forkpool.job.JobSettings;
import io.forkpool.job.ShardLog;
import io.forkpool.kind.TestJobs;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

/**
 * The redis backend's summary of a job's tries on a real Redis: two replicas (two stores, each its own
 * connection and summaries) report the tries of a job of 100,000+ shards; the job's timeline is then a
 * summary that counts every shard, per worker process exactly as fed, with busy times to the
 * microsecond, whatever the order in which the replicas' flushes widened the buckets.
 */
class TrySummariesTest {

    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    /** One worker process that ran tries back to back: what the summary must say of it. */
    record Lane(int worker, long pid, String replica, long[] tries, long[] failed, long[] busyMicros) {

        Lane(int worker, long pid, String replica) {
            this(worker, pid, replica, new long[1], new long[1], new long[1]);
        }
    }

    @Test
    void aJobOfOverAHundredThousandShardsOnTwoReplicasIsSummarisedWithEveryShardCounted() throws Exception {
        var keys = new RedisKeys("summaries-" + UUID.randomUUID());
        var settings = new JobSettings(Duration.ofHours(1), 100, Duration.ofSeconds(1));
        try (var linkA = new RedisLink(REDIS.client());
                var linkB = new RedisLink(REDIS.client());
                var endsA = new JobEnds(REDIS.client(), keys.ends());
                var endsB = new JobEnds(REDIS.client(), keys.ends())) {
            var a = new RedisJobStore(linkA, endsA, keys, JsonMapper.builder().build(), TestJobs.binder(), settings);
            var b = new RedisJobStore(linkB, endsB, keys, JsonMapper.builder().build(), TestJobs.binder(), settings);
            try {
                var request = TestJobs.pi(10_000_000_000_000L, 3L);
                int shards = request.shardCount();
                assertThat(shards).as("a job of 100,000+ shards").isGreaterThanOrEqualTo(100_000);
                var job = a.submit("huge", request, null, 100);

                // replica a has workers 0 and 1, replica b workers 0, 1 and 2; each runs its tries back to
                // back for 30 µs to 3 ms (fixed seed), every 997th try of a shard failing before its retry
                var lanes = List.of(
                        new Lane(0, 101, "replica-a"),
                        new Lane(1, 102, "replica-a"),
                        new Lane(0, 201, "replica-b"),
                        new Lane(1, 202, "replica-b"),
                        new Lane(2, 203, "replica-b"));
                Instant t0 = Instant.parse("2026-12-01T00:00:00Z");
                long[] clock = new long[lanes.size()];
                var random = new Random(42);
                long expectedFailed = 0;
                for (int shard = 0; shard < shards; shard++) {
                    for (int attempt = 0; ; attempt++) {
                        int l = random.nextInt(lanes.size());
                        Lane lane = lanes.get(l);
                        long micros = 30 + random.nextInt(3_000);
                        Instant start = t0.plus(clock[l], ChronoUnit.MICROS);
                        clock[l] += micros;
                        boolean fails = attempt == 0 && shard % 997 == 0;
                        var store = lane.replica().equals("replica-a") ? a : b;
                        store.jobs()
                                .summaries()
                                .record(
                                        job.id(),
                                        new ShardAttempt(
                                                shard,
                                                attempt,
                                                lane.worker(),
                                                lane.pid(),
                                                lane.replica(),
                                                start,
                                                start.plus(micros, ChronoUnit.MICROS),
                                                fails ? "failed" : "done"));
                        lane.tries()[0]++;
                        lane.busyMicros()[0] += micros;
                        if (fails) {
                            lane.failed()[0]++;
                            expectedFailed++;
                            continue;
                        }
                        break;
                    }
                    // the replicas flush at different moments: b's buckets are often finer than the hash's
                    if (shard % 4_000 == 0) {
                        a.jobs().summaries().flush();
                    }
                    if (shard % 9_000 == 0) {
                        b.jobs().summaries().flush();
                    }
                }
                a.jobs().summaries().flush();
                b.jobs().summaries().flush();
                long fed = lanes.stream().mapToLong(l -> l.tries()[0]).sum();
                assertThat(fed).isEqualTo(shards + expectedFailed);

                var view = b.shards(job.id()).orElseThrow();
                double[] reads = new double[9]; // the figure: median of 9 reads after the first
                for (int i = 0; i < reads.length; i++) {
                    long t = System.nanoTime();
                    assertThat(a.shards(job.id()).orElseThrow().attempts()).isEqualTo(view.attempts());
                    reads[i] = (System.nanoTime() - t) / 1e6;
                }
                java.util.Arrays.sort(reads);
                double readMs = reads[reads.length / 2];
                assertThat(view.detail()).as("summarised").isNull();
                var summary = view.summary();
                assertThat(view.attempts()).as("every try counted").isEqualTo(fed);
                assertThat(summary.lanes()).hasSize(lanes.size());
                long succeeded = summary.lanes().stream()
                        .mapToLong(l -> l.attempts() - l.failed())
                        .sum();
                assertThat(succeeded).as("the summary's shards").isEqualTo(shards);
                assertThat(summary.marks())
                        .as("the failed tries listed: none, no try was in the list")
                        .isEmpty();
                assertThat(summary.marksDropped()).isEqualTo(expectedFailed);
                assertThat(summary.origin()).as("the first try's start").isEqualTo(t0);
                long end = java.util.Arrays.stream(clock).max().orElseThrow();
                long width = summary.bucket().toNanos() / 1_000;
                assertThat(end)
                        .as("the last try ends in the last bucket; half as wide would not do")
                        .isLessThan(width * 120)
                        .isGreaterThanOrEqualTo(width * 60);
                for (Lane lane : lanes) {
                    var got = summary.lanes().stream()
                            .filter(l -> l.pid() == lane.pid())
                            .findFirst()
                            .orElseThrow();
                    assertThat(got.worker()).isEqualTo(lane.worker());
                    assertThat(got.replica()).isEqualTo(lane.replica());
                    assertThat(got.attempts()).as("tries of pid %d", lane.pid()).isEqualTo(lane.tries()[0]);
                    assertThat(got.failed())
                            .as("failed tries of pid %d", lane.pid())
                            .isEqualTo(lane.failed()[0]);
                    assertThat(got.busyTime())
                            .as("busy time of pid %d", lane.pid())
                            .isEqualTo(Duration.of(lane.busyMicros()[0], ChronoUnit.MICROS));
                    double inBuckets = 0;
                    for (double share : got.busy()) {
                        assertThat(share).isBetween(0.0, 1.0);
                        inBuckets += share * width;
                    }
                    assertThat(inBuckets)
                            .as("the buckets hold the busy time of pid %d", lane.pid())
                            .isCloseTo(lane.busyMicros()[0], org.assertj.core.data.Offset.offset(1.0));
                }
                System.out.printf(
                        "%d shards, %d tries on %d worker processes: job and summary read in %.1f ms (median of 9), %d buckets of "
                                + "%d ms%n",
                        shards, fed, lanes.size(), readMs, got(summary), width / 1000);
            } finally {
                a.close();
                b.close();
            }
        }
    }

    @Test
    void aJobWhoseTriesAreAllListedShowsThemOneByOne() {
        var keys = new RedisKeys("summaries-" + UUID.randomUUID());
        var settings = new JobSettings(Duration.ofHours(1), 100, Duration.ofSeconds(1));
        try (var link = new RedisLink(REDIS.client());
                var ends = new JobEnds(REDIS.client(), keys.ends())) {
            var store = new RedisJobStore(link, ends, keys, JsonMapper.builder().build(), TestJobs.binder(), settings);
            try {
                var job = store.submit("small", TestJobs.pi(1_000_000L, 3L), null, 100);
                Instant t0 = Instant.parse("2026-12-01T00:00:00Z");
                var tries = new ArrayList<ShardAttempt>();
                for (int i = 0; i < 3; i++) {
                    var a = new ShardAttempt(
                            i,
                            0,
                            i % 2,
                            300 + i % 2,
                            "replica-a",
                            t0.plusMillis(i),
                            t0.plusMillis(i + 1),
                            i == 1 ? "crash" : "done");
                    tries.add(a);
                    store.jobs().recordAttempt(job.id(), a);
                }
                store.jobs().summaries().flush();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> store.shards(job.id()).orElseThrow().attempts() == 3);
                var view = store.shards(job.id()).orElseThrow();
                assertThat(view.summary()).isNull();
                assertThat(view.detail()).containsExactlyElementsOf(tries);
            } finally {
                store.close();
            }
        }
    }

    private static int got(ShardLog.SummaryView summary) {
        return summary.lanes().getFirst().busy().length;
    }

    /**
     * The whole path: a job of more shards than the tries list keeps, each taken from the stream and
     * answered (the try rides on MERGE, as the aggregator reports it), on two replicas' consumers; the
     * timeline is then a summary whose tries are the job's shards, per replica as they were taken.
     */
    @Test
    void shardsTakenFromTheStreamAndMergedAreAllInTheSummary() throws Exception {
        var keys = new RedisKeys("summaries-" + UUID.randomUUID());
        var settings = new JobSettings(Duration.ofHours(1), 100, Duration.ofSeconds(1));
        var metrics =
                new io.forkpool.metrics.ForkpoolMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        try (var link = new RedisLink(REDIS.client());
                var reader = new RedisLink(REDIS.client());
                var ends = new JobEnds(REDIS.client(), keys.ends());
                var linkB = new RedisLink(REDIS.client());
                var readerB = new RedisLink(REDIS.client());
                var endsB = new JobEnds(REDIS.client(), keys.ends())) {
            ends.subscribe();
            endsB.subscribe();
            var a = new RedisJobStore(link, ends, keys, JsonMapper.builder().build(), TestJobs.binder(), settings);
            var b = new RedisJobStore(linkB, endsB, keys, JsonMapper.builder().build(), TestJobs.binder(), settings);
            var shardSettings = new io.forkpool.dispatch.ShardSettings(Duration.ofSeconds(30), 3);
            var streamA = new StreamShards(link, reader, ends, keys, a, shardSettings, metrics, "replica-a");
            var streamB = new StreamShards(linkB, readerB, endsB, keys, b, shardSettings, metrics, "replica-b");
            try {
                var request = TestJobs.pi(2_500L * 1024 * 65_536, 5L);
                int shards = request.shardCount();
                assertThat(shards).as("more shards than the tries list keeps").isGreaterThan(ShardTries.CAP);
                byte[] partial =
                        request.computeEncoded(0); // one shard's answer, sent for each (the summary is the point)
                var job = a.submit("streamed", request, null, 100);
                var taken = new java.util.HashMap<String, Integer>();
                for (int i = 0; i < shards; i++) {
                    var stream = i % 3 == 0 ? streamB : streamA;
                    String replica = stream == streamA ? "replica-a" : "replica-b";
                    var task = stream.poll();
                    if (task == null) {
                        task = stream.take(1);
                    }
                    Instant start = Instant.now();
                    task.sink()
                            .attemptEnded(new ShardAttempt(
                                    task.shard(),
                                    task.attempt(),
                                    0,
                                    replica.hashCode(),
                                    null,
                                    start,
                                    start.plusMillis(1),
                                    ShardAttempt.DONE));
                    task.sink()
                            .shardDone(
                                    task.shard(),
                                    partial,
                                    10_000_000); // 10 ms: no read-ahead, a replica holds no shard unasked
                    taken.merge(replica, 1, Integer::sum);
                }
                assertThat(a.await(job.id(), Duration.ofSeconds(30))
                                .orElseThrow()
                                .status()
                                .isFinal())
                        .isTrue();
                a.jobs().summaries().flush();
                b.jobs().summaries().flush();
                var view = b.shards(job.id()).orElseThrow();
                assertThat(view.summary())
                        .as("summarised: %d tries, the list keeps %d", shards, ShardTries.CAP)
                        .isNotNull();
                assertThat(view.attempts()).as("every shard's try").isEqualTo(shards);
                assertThat(view.summary().lanes().stream()
                                .mapToLong(ShardLog.Lane::attempts)
                                .sum())
                        .isEqualTo(shards);
                for (var lane : view.summary().lanes()) {
                    assertThat(lane.attempts())
                            .as("tries on %s", lane.replica())
                            .isEqualTo((long) taken.get(lane.replica()));
                }
                assertThat(view.summary().lanes())
                        .extracting(ShardLog.Lane::replica)
                        .containsExactlyInAnyOrder("replica-a", "replica-b");
            } finally {
                streamA.close();
                streamB.close();
                a.close();
                b.close();
            }
        }
    }
}
