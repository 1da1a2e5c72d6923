package io.forkpool.kind.api;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * How a value crosses the worker pipe and Redis as bytes. {@link #ofRecord} makes one for any record
 * of plain components, which is what most kinds need; write one by hand only for a compact or
 * versioned format.
 *
 * <p>A codec must round-trip exactly: {@code decode(encode(v))} equals {@code v} (bit for bit for
 * doubles), since a partial may be encoded by one process and merged by another.
 *
 * @param <T> the value's type
 */
public interface Codec<T> {

    void write(DataOutput out, T value) throws IOException;

    T read(DataInput in) throws IOException;

    /** The value as bytes. */
    default byte[] encode(T value) {
        var bytes = new ByteArrayOutputStream(64);
        try {
            write(new DataOutputStream(bytes), value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The value from bytes made by {@link #encode}; every byte must be used. */
    default T decode(byte[] bytes) {
        var in = new DataInputStream(new ByteArrayInputStream(bytes));
        try {
            T value = read(in);
            if (in.available() > 0) {
                throw new IllegalArgumentException(in.available() + " stray bytes after the value");
            }
            return value;
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed value: " + e, e);
        }
    }

    /**
     * A codec for a record whose components are, each: a primitive, its box (null allowed),
     * {@code String}, {@code BigInteger}, {@code BigDecimal}, an enum, a {@code long[]},
     * {@code int[]} or {@code double[]}, a {@code List} of any of these (its element type declared),
     * or another such record. Components are written in declaration order.
     *
     * @throws IllegalArgumentException naming the component whose type it cannot encode
     */
    static <T extends Record> Codec<T> ofRecord(Class<T> type) {
        return RecordCodec.of(type);
    }
}
