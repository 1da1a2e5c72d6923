package io.forkpool.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Replicas telling each other their workers through a real Redis: listed while they beat, gone after. */
class WorkerBeatsTest {

    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    @Test
    void everyLiveReplicaIsListedWithItsLatestWorkersAndOneThatStopsOrDiesDisappears() {
        var keys = new RedisKeys("beats-" + UUID.randomUUID());
        try (var link = new RedisLink(REDIS.client());
                var a = new WorkerBeats(link, keys, "replica-a");
                var b = new WorkerBeats(link, keys, "replica-b");
                var c = new WorkerBeats(link, keys, "replica-c")) {
            var beatsOfB = new AtomicInteger();
            a.publish(() -> "[{\"pid\":1}]");
            b.publish(() -> "[{\"pid\":2,\"beat\":" + beatsOfB.incrementAndGet() + "}]");
            c.publish(() -> "[]");
            assertThat(a.replica()).isEqualTo("replica-a");

            await().atMost(Duration.ofSeconds(10)).until(() -> a.live().size() == 3);
            var live = b.live();
            assertThat(live.keySet())
                    .as("any replica reads them all, in replica order")
                    .containsExactly("replica-a", "replica-b", "replica-c");
            assertThat(live.get("replica-a")).isEqualTo("[{\"pid\":1}]");
            assertThat(live.get("replica-b")).startsWith("[{\"pid\":2,\"beat\":");
            assertThat(live.get("replica-c")).isEqualTo("[]");
            // each heartbeat publishes the workers as they are then
            int seen = beatsOfB.get();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !a.live().get("replica-b").contains("\"beat\":" + seen + "}"));

            // a replica that stops cleanly is gone at once
            c.close();
            assertThat(a.live()).containsOnlyKeys("replica-a", "replica-b");

            // one that dies (no more heartbeats, nothing withdrawn) is gone once its key expires
            b.stopBeating();
            long ttl = link.sync().pttl(keys.prefix() + ":workers:replica-b");
            assertThat(ttl)
                    .as("the dead replica's key expires within the TTL")
                    .isBetween(1L, WorkerBeats.TTL.toMillis());
            await().atMost(WorkerBeats.TTL.plusSeconds(10))
                    .until(() -> !a.live().containsKey("replica-b"));
            assertThat(a.live()).containsOnlyKeys("replica-a");
            assertThat(link.sync().smembers(keys.prefix() + ":workers"))
                    .as("the set forgets it too")
                    .containsExactly("replica-a");
        }
    }
}
