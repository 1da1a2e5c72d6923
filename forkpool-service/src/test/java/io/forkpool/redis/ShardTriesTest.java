package io.forkpool.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.forkpool.dispatch.ShardAttempt;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The redis backend's shard tries on a real Redis: written by any replica, read back whole, capped, expiring. */
class ShardTriesTest {

    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    @Test
    void triesOfTwoReplicasComeBackWithTheirReplicaAndMicrosecondTimesUpToTheCap() {
        var keys = new RedisKeys("test-" + UUID.randomUUID());
        try (var link = new RedisLink(REDIS.client())) {
            var tries = new ShardTries(link, keys, Duration.ofHours(1));
            Instant t0 = Instant.parse("2026-01-01T00:00:00.123456Z");
            tries.record("j", new ShardAttempt(0, 0, 1, 4242, "replica-a", t0, t0.plusMillis(40), "done"));
            tries.record("j", new ShardAttempt(1, 0, 0, 99, "replica-b", t0, t0.plusMillis(10), "crash"));
            tries.record(
                    "j", new ShardAttempt(1, 1, 1, 4242, "replica-a", t0.plusMillis(40), t0.plusMillis(90), "done"));

            await().atMost(Duration.ofSeconds(10)).until(() -> tries.read("j").attempts() == 3);
            var read = tries.read("j").detail();
            assertThat(read.get(0))
                    .isEqualTo(new ShardAttempt(0, 0, 1, 4242, "replica-a", t0, t0.plusMillis(40), "done"));
            assertThat(read.get(1).replica()).isEqualTo("replica-b");
            assertThat(read.get(1).outcome()).isEqualTo("crash");
            assertThat(read.get(2).attempt()).isEqualTo(1);
            long ttl = link.sync().ttl(keys.tries("j"));
            assertThat(ttl)
                    .isBetween(
                            Duration.ofHours(24).toSeconds(),
                            Duration.ofHours(25).toSeconds());

            for (int i = 0; i < ShardTries.CAP + 50; i++) {
                tries.record("big", new ShardAttempt(i, 0, 0, 1, "r", t0, t0.plusMillis(1), "done"));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> link.sync().llen(keys.tries("big")) == ShardTries.CAP);
            assertThat(tries.read("big").detail().getLast().shard())
                    .isEqualTo(ShardTries.CAP - 1); // the first ones kept
        }
    }
}
