package io.forkpool.redis;

import static org.awaitility.Awaitility.await;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A real Redis for the tests, never a mock: a container when {@code FORKPOOL_TESTCONTAINERS=true}
 * (CI with Docker), else Debian's {@code redis-server} (installed by .ci/setup) started here on a
 * free loopback port without persistence, and killed after. Neither there: the test fails.
 */
public final class TestRedis implements AutoCloseable {

    private final GenericContainer<?> container;
    private final Path binary;
    private final int port;
    private Process process;

    private final List<String> persistence;

    private TestRedis(GenericContainer<?> container, Path binary, int port) {
        this(container, binary, port, List.of("--appendonly", "no"));
    }

    private TestRedis(GenericContainer<?> container, Path binary, int port, List<String> persistence) {
        this.container = container;
        this.binary = binary;
        this.port = port;
        this.persistence = persistence;
    }

    /**
     * Debian's {@code redis-server} with the append-only file in {@code dir}, fsynced on every write
     * (as k8s/overlays/redis runs it): {@link #kill} is a real SIGKILL and {@link #restart} reloads
     * the file. Always the binary, even where Docker runs: a paused container loses nothing.
     */
    public static TestRedis startDurable(Path dir) {
        var redis = new TestRedis(
                null,
                binary(),
                freePort(),
                List.of(
                        "--appendonly",
                        "yes",
                        "--appendfsync",
                        "always",
                        "--dir",
                        dir.toAbsolutePath().toString()));
        redis.startProcess();
        return redis;
    }

    public static TestRedis start() {
        if ("true".equals(System.getenv("FORKPOOL_TESTCONTAINERS"))) {
            var container = new GenericContainer<>(DockerImageName.parse("redis:7-alpine")).withExposedPorts(6379);
            container.start();
            return new TestRedis(container, null, container.getMappedPort(6379));
        }
        var redis = new TestRedis(null, binary(), freePort());
        redis.startProcess();
        return redis;
    }

    private static Path binary() {
        return List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server").stream()
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Redis for the tests: install Debian's redis-server "
                        + "(.ci/setup does: apt-get install redis-server) or set FORKPOOL_TESTCONTAINERS=true "
                        + "where Docker runs"));
    }

    /**
     * A client of this Redis as the service configures its own: commands fail at once while it is
     * disconnected (not queued), and after 2 s without an answer.
     */
    public RedisClient failingFastClient() {
        var client = RedisClient.create(RedisURI.create(host(), port()));
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(2)))
                .build());
        return client;
    }

    public String host() {
        return container != null ? container.getHost() : "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** Kills the server (Redis "down"); {@link #restart} brings it back on the same port. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        } else {
            container
                    .getDockerClient()
                    .pauseContainerCmd(container.getContainerId())
                    .exec();
        }
    }

    public void restart() {
        if (process != null) {
            startProcess();
        } else {
            container
                    .getDockerClient()
                    .unpauseContainerCmd(container.getContainerId())
                    .exec();
        }
    }

    private void startProcess() {
        try {
            Path log = Files.createTempFile("redis-" + port + "-", ".log");
            var command = new java.util.ArrayList<>(
                    List.of(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", ""));
            command.addAll(persistence);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            try {
                await("redis-server answering PING on port " + port)
                        .atMost(Duration.ofSeconds(15))
                        .pollInterval(Duration.ofMillis(20))
                        .failFast("redis-server exited", () -> !process.isAlive())
                        .until(this::pong);
            } catch (ConditionTimeoutException | TerminalFailureException e) {
                throw new AssertionError(
                        "redis-server did not start on port " + port + ": " + Files.readString(log), e);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot start " + binary, e);
        }
    }

    private boolean pong() {
        try (var socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            byte[] answer = in.readNBytes(7);
            return new String(answer, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    public static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
        }
        if (container != null) {
            container.stop();
        }
    }
}
