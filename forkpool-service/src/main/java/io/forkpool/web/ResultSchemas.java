package io.forkpool.web;

import io.swagger.v3.oas.models.media.Schema;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The schema of a kind's result record as the API writes it (Jackson: a record's components become
 * its fields, every one present): numbers, strings, enums, arrays and lists, maps with string keys,
 * and nested records, each of which becomes a component named after the result ({@code
 * ProjectileResult} + {@code Bin}). A component may be null only if it is a boxed primitive or
 * annotated {@code @Nullable}; a type it cannot tell (an interface, say) is left open ({@code {}}).
 */
final class ResultSchemas {

    private final Map<String, Schema> components;
    /** The component of each record described so far: a record used twice is one schema. */
    private final Map<Class<?>, String> named = new HashMap<>();

    /** Writes the records' schemas into {@code components} (the document's). */
    ResultSchemas(Map<String, Schema> components) {
        this.components = components;
    }

    /** Adds the schema of {@code result} as component {@code name} (and its nested records); its reference. */
    Schema<?> add(Class<? extends Record> result, String name) {
        return record(result, name, name);
    }

    private Schema<?> record(Class<?> type, String name, String prefix) {
        if (named.containsKey(type)) {
            return ref(named.get(type));
        }
        String unique = name;
        for (int n = 2; components.containsKey(unique); n++) {
            unique = name + n; // a nested record named like another component keeps its own schema
        }
        var schema = OpenApiConfiguration.typed("object");
        named.put(type, unique); // before the components: a record that holds itself refers to this
        components.put(unique, schema);
        for (RecordComponent c : type.getRecordComponents()) {
            var property = of(c.getGenericType(), prefix);
            if (nullable(c)) {
                property = orNull(property);
            }
            schema.addProperty(c.getName(), property);
            schema.addRequiredItem(c.getName()); // Jackson writes every component, null or not
        }
        schema.additionalProperties(false);
        return ref(unique);
    }

    private Schema<?> of(Type type, String prefix) {
        if (type instanceof Class<?> c) {
            return of(c, prefix);
        }
        if (type instanceof GenericArrayType array) {
            return arrayOf(of(array.getGenericComponentType(), prefix));
        }
        if (type instanceof WildcardType wildcard) {
            return of(wildcard.getUpperBounds()[0], prefix);
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw)) {
                return arrayOf(of(args[0], prefix));
            }
            if (Map.class.isAssignableFrom(raw)) {
                return OpenApiConfiguration.typed("object").additionalProperties(of(args[1], prefix));
            }
            if (raw == Optional.class) {
                return orNull(of(args[0], prefix));
            }
            return of(raw, prefix);
        }
        return new Schema<>(); // a type variable: anything
    }

    private Schema<?> of(Class<?> c, String prefix) {
        if (c == boolean.class || c == Boolean.class) {
            return OpenApiConfiguration.typed("boolean");
        }
        if (c == int.class
                || c == Integer.class
                || c == short.class
                || c == Short.class
                || c == byte.class
                || c == Byte.class) {
            return OpenApiConfiguration.typed("integer").format("int32");
        }
        if (c == long.class || c == Long.class) {
            return OpenApiConfiguration.typed("integer").format("int64");
        }
        if (c == BigInteger.class) {
            return OpenApiConfiguration.typed("integer");
        }
        if (c == double.class || c == Double.class) {
            return OpenApiConfiguration.typed("number").format("double");
        }
        if (c == float.class || c == Float.class) {
            return OpenApiConfiguration.typed("number").format("float");
        }
        if (c == BigDecimal.class) {
            return OpenApiConfiguration.typed("number");
        }
        if (c == byte[].class) {
            return OpenApiConfiguration.typed("string").format("byte"); // Jackson writes bytes as base64
        }
        if (c == String.class || c == char.class || c == Character.class) {
            return OpenApiConfiguration.typed("string");
        }
        if (c == Instant.class || c == OffsetDateTime.class) {
            return OpenApiConfiguration.typed("string").format("date-time");
        }
        if (c == LocalDate.class) {
            return OpenApiConfiguration.typed("string").format("date");
        }
        if (c.isEnum()) {
            return OpenApiConfiguration.typed("string")
                    ._enum(Arrays.stream(c.getEnumConstants())
                            .map(e -> (Object) ((Enum<?>) e).name())
                            .toList());
        }
        if (c.isArray()) {
            return arrayOf(of(c.getComponentType(), prefix));
        }
        if (c.isRecord()) {
            return record(c, prefix + c.getSimpleName(), prefix);
        }
        return new Schema<>(); // an interface or a class Jackson writes by its getters: not described
    }

    private static boolean nullable(RecordComponent c) {
        Class<?> t = c.getType();
        boolean boxed = !t.isPrimitive()
                && List.of(Boolean.class, Byte.class, Short.class, Integer.class, Long.class, Float.class, Double.class)
                        .contains(t);
        return boxed || annotatedNullable(c) || annotatedNullable(c.getAnnotatedType());
    }

    /** Any {@code @Nullable} (JSpecify, Jakarta, JSR 305, ...), by its simple name. */
    private static boolean annotatedNullable(AnnotatedElement element) {
        return Arrays.stream(element.getAnnotations())
                .anyMatch(a -> a.annotationType().getSimpleName().equals("Nullable"));
    }

    private static Schema<?> arrayOf(Schema<?> items) {
        return OpenApiConfiguration.typed("array").items(items);
    }

    /** {@code schema} or null: its type gains "null", or, for a reference, a oneOf with null. */
    static Schema<?> orNull(Schema<?> schema) {
        if (schema.get$ref() != null) {
            return new Schema<>().oneOf(List.of(schema, OpenApiConfiguration.typed("null")));
        }
        if (schema.getTypes() != null) {
            var types = new LinkedHashSet<String>(schema.getTypes());
            types.add("null");
            schema.setTypes(types);
        }
        return schema;
    }

    private static Schema<?> ref(String name) {
        return new Schema<>().$ref("#/components/schemas/" + name);
    }
}
