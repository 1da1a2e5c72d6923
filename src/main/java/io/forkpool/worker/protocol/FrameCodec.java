package io.forkpool.worker.protocol;

import io.forkpool.kind.DiceRequest;
import io.forkpool.kind.JobRequest;
import io.forkpool.kind.Partial;
import io.forkpool.kind.PiRequest;
import io.forkpool.kind.ProjectileRequest;
import io.forkpool.kind.SineRequest;
import io.forkpool.kind.SmallestMultipleRequest;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Length-prefixed binary frames: {@code int length, byte tag, payload}. The length lets a reader
 * reject a frame before reading it and makes truncation visible as EOF inside a frame.
 * Requests travel with every default filled in, so no field is null except a seed sine has not.
 */
public final class FrameCodec {

    /** Larger frames are garbage: the biggest real one is a 1000-bin histogram. */
    static final int MAX_FRAME = 1 << 20;

    private static final byte HELLO = 1, RUN = 2, DONE = 3, FAILED = 4;
    private static final byte PI = 1, PROJECTILE = 2, DICE = 3, SINE = 4, MULTIPLE = 5;
    private static final byte PI_COUNT = 1, HISTOGRAM = 2, TERM_SUM = 3, MULTIPLES = 4;

    private FrameCodec() {}

    /** Writes one frame and flushes it. */
    public static void write(OutputStream out, Message message) throws IOException {
        var bytes = new ByteArrayOutputStream(64);
        var body = new DataOutputStream(bytes);
        switch (message) {
            case Message.Hello(int version, long pid) -> {
                body.writeByte(HELLO);
                body.writeInt(version);
                body.writeLong(pid);
            }
            case Message.Run(long ticket, JobRequest request, int shard) -> {
                body.writeByte(RUN);
                body.writeLong(ticket);
                body.writeInt(shard);
                writeRequest(body, request);
            }
            case Message.Done(long ticket, long nanos, Partial partial) -> {
                body.writeByte(DONE);
                body.writeLong(ticket);
                body.writeLong(nanos);
                writePartial(body, partial);
            }
            case Message.Failed(long ticket, String reason) -> {
                body.writeByte(FAILED);
                body.writeLong(ticket);
                body.writeUTF(reason.length() > 2000 ? reason.substring(0, 2000) : reason);
            }
        }
        var frame = new DataOutputStream(out);
        frame.writeInt(bytes.size());
        bytes.writeTo(out);
        out.flush();
    }

    /**
     * Reads one frame. Returns null on a clean end of stream between frames; throws
     * {@link EOFException} for a truncated frame and {@link ProtocolException} for garbage.
     */
    public static Message read(InputStream in) throws IOException {
        var data = new DataInputStream(in);
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        int length = (b0 << 24) | (data.readUnsignedByte() << 16) | (data.readUnsignedByte() << 8)
                | data.readUnsignedByte();
        if (length < 1 || length > MAX_FRAME) {
            throw new ProtocolException("bad frame length " + length + ", bytes " + printable(length));
        }
        byte[] payload = data.readNBytes(length);
        if (payload.length < length) {
            throw new EOFException("frame truncated: " + payload.length + " of " + length + " bytes");
        }
        var body = new DataInputStream(new java.io.ByteArrayInputStream(payload));
        try {
            Message message = switch (body.readByte()) {
                case HELLO -> new Message.Hello(body.readInt(), body.readLong());
                case RUN -> {
                    long ticket = body.readLong();
                    int shard = body.readInt();
                    yield new Message.Run(ticket, readRequest(body), shard);
                }
                case DONE -> new Message.Done(body.readLong(), body.readLong(), readPartial(body));
                case FAILED -> new Message.Failed(body.readLong(), body.readUTF());
                default -> throw new ProtocolException("unknown frame tag " + payload[0]);
            };
            if (body.available() > 0) {
                throw new ProtocolException(body.available() + " stray bytes after " + message.getClass().getSimpleName());
            }
            return message;
        } catch (EOFException | java.io.UTFDataFormatException e) {
            // The length said the frame was complete, so a short payload is garbage, not truncation.
            throw new ProtocolException("malformed frame: " + e.getMessage());
        }
    }

    /** The four length bytes as hex and as text: a stray println shows up readably in the log. */
    private static String printable(int length) {
        var text = new StringBuilder();
        for (int shift = 24; shift >= 0; shift -= 8) {
            int b = (length >>> shift) & 0xff;
            text.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
        return String.format("%08x '%s'", length, text);
    }

    private static void writeRequest(DataOutputStream out, JobRequest request) throws IOException {
        switch (request) {
            case PiRequest r -> {
                out.writeByte(PI);
                out.writeLong(r.samples());
                out.writeLong(r.seed());
            }
            case ProjectileRequest r -> {
                out.writeByte(PROJECTILE);
                out.writeLong(r.samples());
                out.writeInt(r.bins());
                out.writeDouble(r.angleMinDeg());
                out.writeDouble(r.angleMaxDeg());
                out.writeDouble(r.speedMin());
                out.writeDouble(r.speedMax());
                out.writeDouble(r.gravity());
                out.writeLong(r.seed());
            }
            case DiceRequest r -> {
                out.writeByte(DICE);
                out.writeLong(r.rolls());
                out.writeInt(r.faces());
                out.writeLong(r.seed());
            }
            case SineRequest r -> {
                out.writeByte(SINE);
                out.writeDouble(r.x());
                out.writeInt(r.terms());
            }
            case SmallestMultipleRequest r -> {
                out.writeByte(MULTIPLE);
                out.writeLong(r.samples());
                out.writeLong(r.factor());
                out.writeLong(r.low());
                out.writeLong(r.high());
                out.writeLong(r.seed());
            }
        }
    }

    private static JobRequest readRequest(DataInputStream in) throws IOException {
        return switch (in.readByte()) {
            case PI -> new PiRequest(in.readLong(), in.readLong());
            case PROJECTILE -> new ProjectileRequest(in.readLong(), in.readInt(), in.readDouble(),
                    in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), in.readLong());
            case DICE -> new DiceRequest(in.readLong(), in.readInt(), in.readLong());
            case SINE -> new SineRequest(in.readDouble(), in.readInt());
            case MULTIPLE -> new SmallestMultipleRequest(in.readLong(), in.readLong(), in.readLong(),
                    in.readLong(), in.readLong());
            default -> throw new ProtocolException("unknown job kind tag");
        };
    }

    private static void writePartial(DataOutputStream out, Partial partial) throws IOException {
        switch (partial) {
            case Partial.PiCount(long inside, long samples) -> {
                out.writeByte(PI_COUNT);
                out.writeLong(inside);
                out.writeLong(samples);
            }
            case Partial.Histogram h -> {
                out.writeByte(HISTOGRAM);
                out.writeInt(h.counts().length);
                for (long c : h.counts()) {
                    out.writeLong(c);
                }
            }
            case Partial.TermSum(BigDecimal sum) -> {
                out.writeByte(TERM_SUM);
                byte[] unscaled = sum.unscaledValue().toByteArray();
                out.writeInt(sum.scale());
                out.writeInt(unscaled.length);
                out.write(unscaled);
            }
            case Partial.Multiples(long smallest, long count) -> {
                out.writeByte(MULTIPLES);
                out.writeLong(smallest);
                out.writeLong(count);
            }
        }
    }

    private static Partial readPartial(DataInputStream in) throws IOException {
        return switch (in.readByte()) {
            case PI_COUNT -> new Partial.PiCount(in.readLong(), in.readLong());
            case HISTOGRAM -> {
                int n = in.readInt();
                if (n < 0 || n > 100_000) {
                    throw new ProtocolException("bad histogram size " + n);
                }
                long[] counts = new long[n];
                for (int i = 0; i < n; i++) {
                    counts[i] = in.readLong();
                }
                yield new Partial.Histogram(counts);
            }
            case TERM_SUM -> {
                int scale = in.readInt();
                int n = in.readInt();
                if (n < 1 || n > MAX_FRAME) {
                    throw new ProtocolException("bad decimal size " + n);
                }
                byte[] unscaled = in.readNBytes(n);
                if (unscaled.length < n) {
                    throw new EOFException();
                }
                yield new Partial.TermSum(new BigDecimal(new BigInteger(unscaled), scale));
            }
            case MULTIPLES -> new Partial.Multiples(in.readLong(), in.readLong());
            default -> throw new ProtocolException("unknown partial tag");
        };
    }
}
