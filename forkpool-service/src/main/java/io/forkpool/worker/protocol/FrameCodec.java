package io.forkpool.worker.protocol;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Length-prefixed binary frames: {@code int length, byte tag, payload}. The length lets a reader
 * reject a frame before reading it and makes truncation visible as EOF inside a frame.
 * A request travels as its kind's name, seed and request record in the kind's codec; a partial in
 * the kind's partial codec: the protocol knows no kind.
 */
public final class FrameCodec {

    /** Larger frames are garbage: a built-in kind's biggest is a 1000-bin histogram (8 KB); a kind's partial may take up to 16 MiB. */
    static final int MAX_FRAME = 1 << 24;

    /** The largest partial a Done frame carries (the frame less its other fields, with room to spare). */
    public static final int MAX_PARTIAL = MAX_FRAME - 64;

    private static final byte HELLO = 1, RUN = 2, DONE = 3, FAILED = 4;

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
            case Message.Run(long ticket, String type, Long seed, byte[] params, int shard) -> {
                body.writeByte(RUN);
                body.writeLong(ticket);
                body.writeInt(shard);
                body.writeUTF(type);
                body.writeBoolean(seed != null);
                body.writeLong(seed == null ? 0 : seed);
                writeBytes(body, params);
            }
            case Message.Done(long ticket, long nanos, long cpuNanos, byte[] partial) -> {
                body.writeByte(DONE);
                body.writeLong(ticket);
                body.writeLong(nanos);
                body.writeLong(cpuNanos);
                writeBytes(body, partial);
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
        int length =
                (b0 << 24) | (data.readUnsignedByte() << 16) | (data.readUnsignedByte() << 8) | data.readUnsignedByte();
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
                    String type = body.readUTF();
                    boolean seeded = body.readBoolean();
                    long seed = body.readLong();
                    yield new Message.Run(ticket, type, seeded ? seed : null, readBytes(body), shard);
                }
                case DONE -> new Message.Done(body.readLong(), body.readLong(), body.readLong(), readBytes(body));
                case FAILED -> new Message.Failed(body.readLong(), body.readUTF());
                default -> throw new ProtocolException("unknown frame tag " + payload[0]);
            };
            if (body.available() > 0) {
                throw new ProtocolException(body.available() + " stray bytes after "
                        + message.getClass().getSimpleName());
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

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_FRAME) {
            throw new ProtocolException("bad length " + length + " inside a frame");
        }
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw new EOFException("value truncated");
        }
        return bytes;
    }
}
