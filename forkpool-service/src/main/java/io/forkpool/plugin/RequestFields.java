package io.forkpool.plugin;

import io.forkpool.kind.api.Default;
import io.forkpool.kind.api.WorkUnits;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON fields of a kind's request record: which types a field may have, its {@link Default}
 * parsed to that type, the {@link WorkUnits} field, and a record with its defaults filled in.
 */
public final class RequestFields {

    /** Boxed only: an absent field must be null, so that it can be required or take its default. */
    private static final Set<Class<?>> SCALARS =
            Set.of(Long.class, Integer.class, Double.class, Boolean.class, String.class);

    private RequestFields() {}

    /**
     * Refuses a request record that has no valid JSON schema: a field whose type is not a whole
     * number, number, boolean, string or enum; a default that does not parse; two work-unit fields.
     */
    static void check(Class<? extends Record> type) {
        int units = 0;
        for (RecordComponent c : type.getRecordComponents()) {
            Class<?> t = c.getType();
            if (t.isPrimitive()) {
                throw new KindLoadException("request " + type.getSimpleName() + " has no valid schema: field "
                        + c.getName() + " is a " + t.getName()
                        + "; use its box (Long, Integer, Double, Boolean) so that"
                        + " an absent field is null and can be required or defaulted");
            }
            if (!SCALARS.contains(t) && !t.isEnum()) {
                throw new KindLoadException("request " + type.getSimpleName() + " has no valid schema: field "
                        + c.getName() + " is a " + t.getSimpleName()
                        + "; a field is a whole number, a number, a boolean, a string or an enum");
            }
            if (c.getName().equals("type")
                    || c.getName().equals("seed")
                    || c.getName().equals("timeoutSeconds")
                    || c.getName().equals("notify")
                    || c.getName().equals("priority")) {
                throw new KindLoadException("request " + type.getSimpleName() + " has no valid schema: field "
                        + c.getName() + " is forkpool's own");
            }
            Default d = c.getAnnotation(Default.class);
            if (d != null) {
                try {
                    parse(t, d.value());
                } catch (RuntimeException e) {
                    throw new KindLoadException(
                            "request " + type.getSimpleName() + " has no valid schema: the default \"" + d.value()
                                    + "\" of field " + c.getName() + " is not a " + t.getSimpleName());
                }
            }
            if (c.isAnnotationPresent(WorkUnits.class)) {
                units++;
                if (t != Long.class && t != long.class) {
                    throw new KindLoadException("request " + type.getSimpleName() + " has no valid schema: @WorkUnits "
                            + c.getName() + " must be a Long");
                }
            }
        }
        if (units > 1) {
            throw new KindLoadException(
                    "request " + type.getSimpleName() + " has no valid schema: more than one @WorkUnits field");
        }
    }

    /**
     * An annotation of a request field. Jakarta's constraints do not target record components, so
     * javac puts {@code @Min} and the like on the record's field and accessor only: look there too.
     */
    public static <A extends java.lang.annotation.Annotation> A annotation(RecordComponent c, Class<A> type) {
        A found = c.getAnnotation(type);
        if (found == null) {
            try {
                found = c.getDeclaringRecord().getDeclaredField(c.getName()).getAnnotation(type);
            } catch (NoSuchFieldException e) {
                found = null;
            }
        }
        return found != null ? found : c.getAccessor().getAnnotation(type);
    }

    /** Whether the field has the annotation (see {@link #annotation}). */
    public static boolean has(RecordComponent c, Class<? extends java.lang.annotation.Annotation> type) {
        return annotation(c, type) != null;
    }

    /** The JSON names of the record's fields, in order. */
    public static List<String> names(Class<? extends Record> type) {
        var names = new ArrayList<String>();
        for (RecordComponent c : type.getRecordComponents()) {
            names.add(c.getName());
        }
        return names;
    }

    /** The record with each null field that has a {@link Default} set to it. */
    public static <R extends Record> R withDefaults(R request) {
        RecordComponent[] components = request.getClass().getRecordComponents();
        Object[] values = values(request);
        boolean changed = false;
        for (int i = 0; i < components.length; i++) {
            Default d = components[i].getAnnotation(Default.class);
            if (values[i] == null && d != null) {
                values[i] = parse(components[i].getType(), d.value());
                changed = true;
            }
        }
        return changed ? make(request, values) : request;
    }

    /** Field name to value, in declaration order, nulls left out. */
    public static Map<String, Object> asMap(Record request) {
        var map = new LinkedHashMap<String, Object>();
        RecordComponent[] components = request.getClass().getRecordComponents();
        Object[] values = values(request);
        for (int i = 0; i < components.length; i++) {
            if (values[i] != null) {
                map.put(components[i].getName(), values[i]);
            }
        }
        return map;
    }

    /** A default's text as a value of the field's type. */
    public static Object parse(Class<?> type, String text) {
        if (type == Long.class || type == long.class) {
            return Long.parseLong(text);
        }
        if (type == Integer.class || type == int.class) {
            return Integer.parseInt(text);
        }
        if (type == Double.class || type == double.class) {
            double value = Double.parseDouble(text);
            if (!Double.isFinite(value)) {
                throw new NumberFormatException("not finite");
            }
            return value;
        }
        if (type == Boolean.class || type == boolean.class) {
            if (!text.equals("true") && !text.equals("false")) {
                throw new IllegalArgumentException("not a boolean");
            }
            return Boolean.parseBoolean(text);
        }
        if (type == String.class) {
            return text;
        }
        if (type.isEnum()) {
            for (Object constant : type.getEnumConstants()) {
                if (((Enum<?>) constant).name().equals(text)) {
                    return constant;
                }
            }
            throw new IllegalArgumentException("no constant " + text);
        }
        throw new IllegalArgumentException("unsupported type " + type);
    }

    static Object[] values(Record request) {
        RecordComponent[] components = request.getClass().getRecordComponents();
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            try {
                var accessor = components[i].getAccessor();
                accessor.setAccessible(true);
                values[i] = accessor.invoke(request);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + components[i], e);
            }
        }
        return values;
    }

    @SuppressWarnings("unchecked")
    private static <R extends Record> R make(R like, Object[] values) {
        RecordComponent[] components = like.getClass().getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
        }
        try {
            Constructor<?> constructor = like.getClass().getDeclaredConstructor(types);
            constructor.setAccessible(true);
            return (R) constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException(e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make " + like.getClass().getName(), e);
        }
    }
}
