package io.forkpool.kind.api;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** {@link Codec#ofRecord}: one field codec per component, found once by reflection. */
final class RecordCodec<T extends Record> implements Codec<T> {

    private final Class<T> type;
    private final Method[] accessors;
    private final Codec<Object>[] fields;
    private final Constructor<T> constructor;

    private RecordCodec(Class<T> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record");
        }
        this.type = type;
        RecordComponent[] components = type.getRecordComponents();
        accessors = new Method[components.length];
        @SuppressWarnings("unchecked")
        Codec<Object>[] codecs = new Codec[components.length];
        fields = codecs;
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            accessors[i] = c.getAccessor();
            accessors[i].setAccessible(true);
            types[i] = c.getType();
            try {
                fields[i] = field(c.getGenericType());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(type.getName() + "." + c.getName() + ": " + e.getMessage(), e);
            }
        }
        try {
            constructor = type.getDeclaredConstructor(types);
            constructor.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(type.getName() + " has no canonical constructor", e);
        }
    }

    static <T extends Record> Codec<T> of(Class<T> type) {
        return new RecordCodec<>(type);
    }

    @Override
    public void write(DataOutput out, T value) throws IOException {
        try {
            for (int i = 0; i < fields.length; i++) {
                fields[i].write(out, accessors[i].invoke(value));
            }
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + type.getName() + ": " + e, e);
        }
    }

    @Override
    public T read(DataInput in) throws IOException {
        Object[] values = new Object[fields.length];
        for (int i = 0; i < fields.length; i++) {
            values[i] = fields[i].read(in);
        }
        try {
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            throw new IOException("invalid " + type.getSimpleName() + ": " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make " + type.getName() + ": " + e, e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Codec<Object> field(Type generic) {
        if (generic instanceof ParameterizedType p && p.getRawType() == List.class) {
            Codec<Object> element = field(p.getActualTypeArguments()[0]);
            return nullable(new Codec<>() {
                @Override
                public void write(DataOutput out, Object value) throws IOException {
                    List<?> list = (List<?>) value;
                    out.writeInt(list.size());
                    for (Object e : list) {
                        element.write(out, e);
                    }
                }

                @Override
                public Object read(DataInput in) throws IOException {
                    int n = length(in);
                    var list = new ArrayList<>(Math.min(n, 1024));
                    for (int i = 0; i < n; i++) {
                        list.add(element.read(in));
                    }
                    // Unmodifiable like List.copyOf, but keeping null elements, which write allows.
                    return java.util.Collections.unmodifiableList(list);
                }
            });
        }
        if (!(generic instanceof Class<?> c)) {
            throw new IllegalArgumentException("cannot encode a " + generic.getTypeName());
        }
        if (c == long.class) {
            return codec((o, v) -> o.writeLong((Long) v), DataInput::readLong);
        }
        if (c == int.class) {
            return codec((o, v) -> o.writeInt((Integer) v), DataInput::readInt);
        }
        if (c == double.class) {
            return codec((o, v) -> o.writeDouble((Double) v), DataInput::readDouble);
        }
        if (c == float.class) {
            return codec((o, v) -> o.writeFloat((Float) v), DataInput::readFloat);
        }
        if (c == short.class) {
            return codec((o, v) -> o.writeShort((Short) v), DataInput::readShort);
        }
        if (c == byte.class) {
            return codec((o, v) -> o.writeByte((Byte) v), DataInput::readByte);
        }
        if (c == char.class) {
            return codec((o, v) -> o.writeChar((Character) v), DataInput::readChar);
        }
        if (c == boolean.class) {
            return codec((o, v) -> o.writeBoolean((Boolean) v), DataInput::readBoolean);
        }
        if (c == Long.class
                || c == Integer.class
                || c == Double.class
                || c == Float.class
                || c == Short.class
                || c == Byte.class
                || c == Character.class
                || c == Boolean.class) {
            return nullable(field(primitive(c)));
        }
        if (c == String.class) {
            return nullable(codec(
                    (o, v) -> {
                        byte[] utf8 = ((String) v).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                        o.writeInt(utf8.length);
                        o.write(utf8);
                    },
                    in -> new String(bytes(in), java.nio.charset.StandardCharsets.UTF_8)));
        }
        if (c == BigInteger.class) {
            return nullable(
                    codec((o, v) -> writeBytes(o, ((BigInteger) v).toByteArray()), in -> new BigInteger(bytes(in))));
        }
        if (c == BigDecimal.class) {
            return nullable(codec(
                    (o, v) -> {
                        var d = (BigDecimal) v;
                        o.writeInt(d.scale());
                        writeBytes(o, d.unscaledValue().toByteArray());
                    },
                    in -> {
                        int scale = in.readInt();
                        return new BigDecimal(new BigInteger(bytes(in)), scale);
                    }));
        }
        if (c == long[].class) {
            return nullable(codec(
                    (o, v) -> {
                        long[] a = (long[]) v;
                        o.writeInt(a.length);
                        for (long x : a) {
                            o.writeLong(x);
                        }
                    },
                    in -> {
                        long[] a = new long[length(in)];
                        for (int i = 0; i < a.length; i++) {
                            a[i] = in.readLong();
                        }
                        return a;
                    }));
        }
        if (c == int[].class) {
            return nullable(codec(
                    (o, v) -> {
                        int[] a = (int[]) v;
                        o.writeInt(a.length);
                        for (int x : a) {
                            o.writeInt(x);
                        }
                    },
                    in -> {
                        int[] a = new int[length(in)];
                        for (int i = 0; i < a.length; i++) {
                            a[i] = in.readInt();
                        }
                        return a;
                    }));
        }
        if (c == double[].class) {
            return nullable(codec(
                    (o, v) -> {
                        double[] a = (double[]) v;
                        o.writeInt(a.length);
                        for (double x : a) {
                            o.writeDouble(x);
                        }
                    },
                    in -> {
                        double[] a = new double[length(in)];
                        for (int i = 0; i < a.length; i++) {
                            a[i] = in.readDouble();
                        }
                        return a;
                    }));
        }
        if (c.isEnum()) {
            Object[] constants = c.getEnumConstants();
            return nullable(codec((o, v) -> o.writeInt(((Enum<?>) v).ordinal()), in -> {
                int ordinal = in.readInt();
                if (ordinal < 0 || ordinal >= constants.length) {
                    throw new IOException("no constant " + ordinal + " in " + c.getSimpleName());
                }
                return constants[ordinal];
            }));
        }
        if (c.isRecord()) {
            return nullable((Codec) new RecordCodec<>((Class<? extends Record>) c));
        }
        throw new IllegalArgumentException("cannot encode a " + c.getName());
    }

    private interface Writer {
        void write(DataOutput out, Object value) throws IOException;
    }

    private interface Reader {
        Object read(DataInput in) throws IOException;
    }

    private static Codec<Object> codec(Writer writer, Reader reader) {
        return new Codec<>() {
            @Override
            public void write(DataOutput out, Object value) throws IOException {
                writer.write(out, value);
            }

            @Override
            public Object read(DataInput in) throws IOException {
                return reader.read(in);
            }
        };
    }

    /** A presence byte, then the value. */
    private static Codec<Object> nullable(Codec<Object> inner) {
        return new Codec<>() {
            @Override
            public void write(DataOutput out, Object value) throws IOException {
                out.writeBoolean(value != null);
                if (value != null) {
                    inner.write(out, value);
                }
            }

            @Override
            public Object read(DataInput in) throws IOException {
                return in.readBoolean() ? inner.read(in) : null;
            }
        };
    }

    private static Class<?> primitive(Class<?> box) {
        try {
            return (Class<?>) box.getField("TYPE").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeBytes(DataOutput out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] bytes(DataInput in) throws IOException {
        byte[] bytes = new byte[length(in)];
        in.readFully(bytes);
        return bytes;
    }

    /** A length read from the wire, refused when negative or past what a frame can hold. */
    private static int length(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > (1 << 24)) {
            throw new IOException("bad length " + n);
        }
        return n;
    }
}
