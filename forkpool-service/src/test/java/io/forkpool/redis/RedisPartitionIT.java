package io.forkpool.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two replicas of the packaged jar on network hosts of their own (network namespaces joined to
 * this one by veth pairs), one Redis here, each replica reaching it through a TCP proxy of this
 * test. One job, same seed, four times: fault-free; with 50 ms added each way on replica 1's path
 * (the proxy's delay; this kernel has no netem); with replica 2 cut off from Redis mid-job by an
 * nftables drop rule in its namespace while it holds shards; and after the heal. Asserts: the same
 * result every time; the cut replica's readiness DOWN, its shards reclaimed by replica 1 (its
 * metric), its late answers refused by Redis once the link is back (the job's {@code late} count)
 * and counted once; then it is ready again and computes shards, without a restart. Needs root for
 * {@code ip netns} (CI runs as root): fails, never skips, without it.
 */
class RedisPartitionIT {

    static final long SEED = 14L;
    static final String BODY = "{\"type\":\"pi\",\"samples\":6000000000,\"seed\":" + SEED + "}";
    // long enough for a shard on a loaded 2-core machine (a shard overrunning it is retried)
    static final Duration SHARD_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DELAY = Duration.ofMillis(50);

    final String tag = "fp" + ProcessHandle.current().pid();
    final String subnet = "10.213." + (ProcessHandle.current().pid() % 250) + ".";
    final List<String> namespaces = new ArrayList<>();
    final List<AutoCloseable> open = new ArrayList<>();
    /** The nftables script of the cut. */
    final java.nio.file.Path tmp = tempFile();

    @Test
    void aReplicaCutOffFromRedisIsReclaimedAndRejoinsAndLatencyChangesNothing() throws Exception {
        var figures = new StringBuilder();
        TestRedis redis = TestRedis.start();
        open.add(redis); // closed last, after the replicas
        try (var client = RedisClient.create(RedisURI.create(redis.host(), redis.port()));
                var connection = client.connect()) {
            var sync = connection.sync();
            var proxies = new ArrayList<DelayingProxy>();
            var replicas = new ArrayList<Replica>();
            for (int i = 1; i <= 2; i++) {
                host(i);
                var proxy = new DelayingProxy(InetAddress.getByName(hostSide(i)), redis.host(), redis.port());
                open.add(proxy);
                proxies.add(proxy);
                var replica = Replica.start(
                        "partition-replica-" + i,
                        List.of("ip", "netns", "exec", ns(i)),
                        nsSide(i),
                        hostSide(i),
                        proxy.port(),
                        SHARD_TIMEOUT);
                open.add(replica);
                replicas.add(replica);
            }
            for (var replica : replicas) {
                replica.awaitReady(Duration.ofSeconds(120));
            }
            Replica one = replicas.get(0);
            Replica two = replicas.get(1);

            // -- fault-free
            JsonNode faultFree = one.run(BODY, Duration.ofMinutes(3));
            int total = faultFree.path("progress").path("shardsTotal").intValue();
            assertThat(faultFree.path("progress").path("shardsDone").intValue()).isEqualTo(total);
            figures.append(String.format("fault-free: %d shards in %.2f s%n", total, Replica.seconds(faultFree)));

            // -- 50 ms each way between replica 1 and Redis: the same result, replica 1 took part
            proxies.get(0).delay(DELAY);
            long oneBefore = one.shardsCompleted();
            JsonNode slow = one.run(BODY, Duration.ofMinutes(3));
            proxies.get(0).delay(Duration.ZERO);
            assertThat(slow.path("result")).as("result with latency").isEqualTo(faultFree.path("result"));
            long slowShards = one.shardsCompleted() - oneBefore;
            assertThat(slowShards)
                    .as("replica 1 computed shards through the slow path")
                    .isPositive();
            figures.append(String.format(
                    "%d ms each way on replica 1's path: %.2f s, replica 1 computed %d of %d%n",
                    DELAY.toMillis(), Replica.seconds(slow), slowShards, total));

            // -- replica 2 cut off from Redis while it holds shards
            String victim = two.consumer(sync);
            double reclaimedBefore = one.reclaimed();
            String id = one.post(BODY);
            await("replica 2 holding a shard of job " + id)
                    .atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(20))
                    .failFast(
                            "the job ended before replica 2 was seen holding a shard",
                            () -> one.job(id).path("status").asString().equals("SUCCEEDED"))
                    .until(() -> one.job(id).path("progress").path("shardsDone").intValue() >= 2
                            && Replica.pending(sync, victim) > 0);
            cut(2, proxies.get(1).port());
            long cutAt = System.nanoTime();
            long held = Replica.pending(sync, victim);
            assertThat(held).as("replica 2 held shards when it was cut off").isPositive();
            await("replica 2 not ready while cut off")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> !two.ready());
            double downAfter = (System.nanoTime() - cutAt) / 1e9;
            await("replica 1 reclaiming replica 2's shards")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> one.reclaimed() - reclaimedBefore >= held);
            double reclaimedAfter = (System.nanoTime() - cutAt) / 1e9;
            JsonNode cutJob = one.awaitEnd(id, Duration.ofMinutes(3));
            double doneAfter = (System.nanoTime() - cutAt) / 1e9;
            assertThat(cutJob.path("status").asString()).as(cutJob.toString()).isEqualTo("SUCCEEDED");
            assertThat(cutJob.path("result"))
                    .as("result with replica 2 cut off")
                    .isEqualTo(faultFree.path("result"));
            assertThat(two.ready()).as("still cut off: not ready").isFalse();

            // -- heal: the late answers that replica 2 computed meanwhile reach Redis, are refused
            heal(2);
            long healAt = System.nanoTime();
            two.awaitReady(Duration.ofSeconds(90));
            double readyAfter = (System.nanoTime() - healAt) / 1e9;
            await("replica 2's late answers for job " + id + " reach Redis")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> late(sync, id) >= 1);
            JsonNode after = one.job(id);
            assertThat(after.path("result")).as("late answers counted once").isEqualTo(faultFree.path("result"));
            assertThat(after.path("progress").path("shardsDone").intValue()).isEqualTo(total);
            assertThat(two.process.isAlive()).as("replica 2 never restarted").isTrue();

            // -- it rejoins: takes shards again, the same result
            long twoBefore = two.shardsCompleted();
            JsonNode rejoined = two.run(BODY, Duration.ofMinutes(3));
            assertThat(rejoined.path("result")).isEqualTo(faultFree.path("result"));
            assertThat(two.shardsCompleted() - twoBefore)
                    .as("replica 2 computes shards again")
                    .isPositive();

            figures.append(String.format(
                    "replica 2 cut off holding %d shard(s): readiness DOWN %.2f s later, "
                            + "reclaimed by replica 1 %.2f s later (shard timeout %s + 1 s), job done %.2f s later; "
                            + "after the heal ready again in %.2f s, %d late answer(s) refused%n",
                    held, downAfter, reclaimedAfter, SHARD_TIMEOUT, doneAfter, readyAfter, late(sync, id)));
            System.out.print(figures);
            Files.writeString(Replica.jar().getParent().resolve("redis-partition-figures.md"), figures);
        }
    }

    /** Answers Redis refused for a job: a shard already merged, or the job already ended (MERGE). */
    private static long late(io.lettuce.core.api.sync.RedisCommands<String, String> redis, String id) {
        String late = redis.hget("forkpool:job:" + id, "late");
        return late == null ? 0 : Long.parseLong(late);
    }

    private String ns(int i) {
        return tag + "n" + i;
    }

    private String hostSide(int i) {
        return subnet + (4 * i + 1);
    }

    private String nsSide(int i) {
        return subnet + (4 * i + 2);
    }

    /** Network host i: a namespace, a veth pair to this one, a /30 between them. */
    private void host(int i) throws Exception {
        String here = tag + "h" + i;
        String there = tag + "v" + i;
        run("ip", "netns", "del", ns(i)); // left by a killed test JVM of the same pid, if any (named by our pid)
        if (!run("ip", "netns", "add", ns(i)).isEmpty()) {
            fail("cannot make a network namespace (ip netns add " + ns(i) + "): this test puts replicas on "
                    + "network hosts of their own and needs root (CI runs as root) and iproute2 (.ci/setup installs "
                    + "it). ip said: " + lastError);
        }
        namespaces.add(ns(i));
        must("ip", "link", "add", here, "type", "veth", "peer", "name", there);
        must("ip", "link", "set", there, "netns", ns(i));
        must("ip", "addr", "add", hostSide(i) + "/30", "dev", here);
        must("ip", "link", "set", here, "up");
        must("ip", "netns", "exec", ns(i), "ip", "addr", "add", nsSide(i) + "/30", "dev", there);
        must("ip", "netns", "exec", ns(i), "ip", "link", "set", there, "up");
        must("ip", "netns", "exec", ns(i), "ip", "link", "set", "lo", "up");
    }

    /** Drops, in host i, every packet to and from Redis's proxy port: the link to Redis is gone, HTTP stays. */
    private void cut(int i, int port) throws Exception {
        String nft = "table inet fpcut {\n"
                + " chain out { type filter hook output priority 0; ip daddr " + hostSide(i) + " tcp dport " + port
                + " drop; }\n"
                + " chain in { type filter hook input priority 0; ip saddr " + hostSide(i) + " tcp sport " + port
                + " drop; }\n}\n";
        Files.writeString(tmp, nft);
        must("ip", "netns", "exec", ns(i), "nft", "-f", tmp.toString());
    }

    private void heal(int i) throws Exception {
        must("ip", "netns", "exec", ns(i), "nft", "delete", "table", "inet", "fpcut");
    }

    private static java.nio.file.Path tempFile() {
        try {
            return Files.createTempFile("fpcut-", ".nft");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private String lastError = "";

    private void must(String... command) throws Exception {
        String error = run(command);
        assertThat(error).as(String.join(" ", command)).isEmpty();
    }

    /** Runs a command; "" on success, else its output (also kept as lastError). */
    private String run(String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            lastError = e.getMessage();
            return lastError;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            lastError = "timed out";
            return lastError;
        }
        lastError = p.exitValue() == 0 ? "" : "exit " + p.exitValue() + ": " + out;
        return lastError;
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        for (String ns : namespaces) {
            run("ip", "netns", "del", ns); // takes its end of the veth pair, and so the pair, with it
        }
        Files.deleteIfExists(tmp);
    }
}
