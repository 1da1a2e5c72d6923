package io.forkpool.worker.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.forkpool.kind.Partial;
import io.forkpool.kind.TestJobs;
import io.forkpool.plugin.JobRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    static final List<JobRequest> REQUESTS = List.of(
            TestJobs.pi(123_456_789L, -5L),
            TestJobs.projectile(10L, 7, 30.5, 44.0, 99.0, 100.0, 9.81, Long.MIN_VALUE),
            TestJobs.dice(1L << 40, 20, 42L),
            TestJobs.sine(-Math.PI, 17),
            TestJobs.smallestMultiple(5L, 7L, 1L, 1000L, Long.MAX_VALUE));

    static final List<Partial> PARTIALS = List.of(
            new Partial.PiCount(785, 1000),
            new Partial.Histogram(new long[] {1, 0, Long.MAX_VALUE, 3}),
            new Partial.TermSum(new BigDecimal("-12345678901234567890.000000000000000000000000000000123")),
            new Partial.TermSum(BigDecimal.ZERO),
            new Partial.Multiples(0, 0),
            new Partial.Multiples(14, 99));

    @Test
    void everyMessageSurvivesARoundTrip() throws IOException {
        var messages = new java.util.ArrayList<Message>();
        messages.add(new Message.Hello(Message.VERSION, 4242));
        for (int i = 0; i < REQUESTS.size(); i++) {
            messages.add(new Message.Run(i, REQUESTS.get(i), i * 1000));
        }
        for (int i = 0; i < PARTIALS.size(); i++) {
            messages.add(new Message.Done(i, 17L * i, 13L * i - 1, encode(PARTIALS.get(i))));
        }
        messages.add(new Message.Failed(9, "java.lang.ArithmeticException: / by zero ü"));

        var out = new ByteArrayOutputStream();
        for (Message m : messages) {
            FrameCodec.write(out, m);
        }
        var in = new ByteArrayInputStream(out.toByteArray());
        for (Message expected : messages) {
            assertThat(FrameCodec.read(in)).isEqualTo(expected);
        }
        assertThat(FrameCodec.read(in)).as("clean end of stream between frames").isNull();
    }

    @Test
    void aFrameCutAnywhereIsTruncationNotAMessage() throws IOException {
        var out = new ByteArrayOutputStream();
        FrameCodec.write(out, new Message.Run(7, REQUESTS.get(1), 3));
        byte[] frame = out.toByteArray();
        for (int cut = 1; cut < frame.length; cut++) {
            var in = new ByteArrayInputStream(Arrays.copyOf(frame, cut));
            assertThatThrownBy(() -> FrameCodec.read(in)).as("cut at %d", cut).isInstanceOf(EOFException.class);
        }
    }

    @Test
    void garbageIsRejectedAsProtocolError() {
        // What a stray println on stdout would look like: text where a length should be.
        assertThatThrownBy(() -> FrameCodec.read(new ByteArrayInputStream("hello world\n".getBytes())))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("length");
        assertThatThrownBy(() -> FrameCodec.read(frameOf(new byte[] {99, 1, 2})))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("tag");
        assertThatThrownBy(() -> FrameCodec.read(frameOf(new byte[] {3, 0, 0})))
                .as("a Done frame whose payload is shorter than its fields")
                .isInstanceOf(ProtocolException.class);
    }

    @Test
    void randomBytesNeverYieldAnythingButAMessageOrAnIOException() {
        var random = new SplittableRandom(2026);
        int decoded = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(1, 64)];
            random.nextBytes(bytes);
            if (bytes.length >= 4 && random.nextBoolean()) {
                ByteBuffer.wrap(bytes).putInt(0, bytes.length - 4); // a plausible length, garbage inside
            }
            try {
                if (FrameCodec.read(new ByteArrayInputStream(bytes)) != null) {
                    decoded++;
                }
            } catch (IOException expected) {
                // the only allowed failure
            }
        }
        assertThat(decoded).as("random payloads that happen to decode").isLessThan(2_000);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static byte[] encode(Partial partial) {
        return io.forkpool.kind.api.Codec.ofRecord((Class) partial.getClass()).encode(partial);
    }

    private static ByteArrayInputStream frameOf(byte[] payload) {
        var buffer =
                ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload);
        return new ByteArrayInputStream(buffer.array());
    }
}
