package io.forkpool.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy that holds every chunk of bytes for a set delay before passing it on, each way (this
 * kernel has no netem): between a replica and Redis, 50 ms makes a 100 ms round trip. Order is
 * kept (one queue per direction); the delay can change while connections are open.
 */
final class DelayingProxy implements AutoCloseable {

    private record Chunk(long dueNanos, byte[] bytes) {}

    private static final Chunk EOF = new Chunk(0, new byte[0]);

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile long delayNanos;

    /** Listens on a free port of {@code bind}; forwards to {@code targetHost:targetPort}. */
    DelayingProxy(InetAddress bind, String targetHost, int targetPort) throws IOException {
        this.server = new ServerSocket(0, 50, bind);
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        Thread.ofPlatform().daemon().name("proxy-accept-" + port()).start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Each way, from now on. */
    void delay(Duration each) {
        delayNanos = each.toNanos();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(targetHost, targetPort);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                pipe(client, upstream);
                pipe(upstream, client);
            } catch (IOException e) {
                // closed, or Redis refused: the client sees its connection drop
            }
        }
    }

    /** One direction: a reader that stamps each chunk with its due time, a writer that waits for it. */
    private void pipe(Socket from, Socket to) {
        var queue = new LinkedBlockingQueue<Chunk>();
        Thread.ofPlatform().daemon().name("proxy-read").start(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    queue.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, n)));
                }
            } catch (IOException e) {
                // closed
            }
            queue.add(EOF);
        });
        Thread.ofPlatform().daemon().name("proxy-write").start(() -> {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Chunk chunk = queue.take();
                    if (chunk == EOF) {
                        break;
                    }
                    long wait;
                    while ((wait = chunk.dueNanos() - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    out.write(chunk.bytes());
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // closed
            }
            close(from);
            close(to);
        });
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        sockets.forEach(DelayingProxy::close);
    }
}
