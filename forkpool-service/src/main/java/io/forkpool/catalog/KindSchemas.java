package io.forkpool.catalog;

import io.forkpool.kind.api.Default;
import io.forkpool.kind.api.Description;
import io.forkpool.kind.api.JobKind;
import io.forkpool.kind.api.WorkUnits;
import io.forkpool.plugin.RequestFields;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON Schema (draft 2020-12) of a kind's request body, from its record and annotations:
 * {@code type} fixed to the kind's name, each field's JSON type, bounds ({@code @Min}, {@code
 * @Max}, {@code @DecimalMin}, {@code @DecimalMax}; {@link WorkUnits}: 1 to the operator's limit),
 * default ({@link Default}), description ({@link Description}) and which fields are required
 * ({@code @NotNull}); then forkpool's own {@code seed} (seeded kinds) and {@code timeoutSeconds}.
 */
public final class KindSchemas {

    private final long maxUnits;

    KindSchemas(long maxUnits) {
        this.maxUnits = maxUnits;
    }

    /**
     * The kind's example as a JSON body that works as it is: its type, its example request's fields,
     * and {@code seed} 42 for a seeded kind, so the example gives the same result every time. The
     * one example of a kind: {@code GET /api/v1/kinds} and the OpenAPI document both show it.
     */
    public static Map<String, Object> example(JobKind<?, ?, ?> kind) {
        var body = new LinkedHashMap<String, Object>();
        body.put("type", kind.name());
        body.putAll(RequestFields.asMap(kind.example()));
        if (kind.seeded()) {
            body.put("seed", 42L);
        }
        return body;
    }

    /**
     * The kind's warm-up request ({@link JobKind#warmup()}) as a JSON body: its type and fields,
     * no seed (the service picks one, as for a user who sends none).
     */
    public static Map<String, Object> warmup(JobKind<?, ?, ?> kind) {
        var body = new LinkedHashMap<String, Object>();
        body.put("type", kind.name());
        body.putAll(RequestFields.asMap(kind.warmup()));
        return body;
    }

    /** One field's schema. */
    public record Field(String name, Map<String, Object> schema, boolean required) {}

    /** The request body's schema. */
    public Map<String, Object> schema(JobKind<?, ?, ?> kind) {
        var properties = new LinkedHashMap<String, Object>();
        var required = new ArrayList<String>();
        properties.put("type", Map.of("type", "string", "const", kind.name(), "description", "the job kind"));
        required.add("type");
        for (Field field : fields(kind)) {
            properties.put(field.name(), field.schema());
            if (field.required()) {
                required.add(field.name());
            }
        }
        var schema = new LinkedHashMap<String, Object>();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("title", kind.name());
        schema.put("description", kind.description());
        schema.put("type", "object");
        schema.put("required", required);
        schema.put("properties", properties);
        schema.put("additionalProperties", false);
        return schema;
    }

    /** The webhook a job's end is POSTed to (docs/design.md, "Webhooks"). */
    private static final Map<String, Object> NOTIFY = Map.of(
            "type",
            "object",
            "description",
            "when the job ends, its JSON is POSTed here, signed (X-Forkpool-Signature); the host must be allowed "
                    + "(forkpool.webhooks.allowed-hosts); null: none, not even the service's default",
            "properties",
            Map.of("url", Map.of("type", "string", "format", "uri", "description", "an http(s) URL")),
            "required",
            List.of("url"),
            "additionalProperties",
            false);

    /**
     * The kind's fields and forkpool's own ({@code seed}, {@code timeoutSeconds}, {@code notify},
     * {@code priority}), in order.
     */
    public List<Field> fields(JobKind<?, ?, ?> kind) {
        var fields = new ArrayList<Field>();
        for (RecordComponent c : kind.requestType().getRecordComponents()) {
            fields.add(new Field(
                    c.getName(),
                    field(c),
                    RequestFields.has(c, NotNull.class) || c.getType().isPrimitive()));
        }
        if (kind.seeded()) {
            fields.add(new Field(
                    "seed",
                    Map.of(
                            "type",
                            "integer",
                            "format",
                            "int64",
                            "description",
                            "seed of the job's random streams: same request and seed, same result; absent: forkpool picks one "
                                    + "and shows it in the job's request"),
                    false));
        }
        fields.add(new Field(
                "timeoutSeconds",
                Map.of(
                        "type",
                        "integer",
                        "format",
                        "int32",
                        "minimum",
                        1,
                        "maximum",
                        86_400,
                        "description",
                        "past it the job ends FAILED, \"timed out\""),
                false));
        fields.add(new Field("notify", NOTIFY, false));
        fields.add(new Field(
                "priority",
                Map.of(
                        "type",
                        "string",
                        "enum",
                        List.of("high", "normal", "low"),
                        "default",
                        "normal",
                        "description",
                        "within its tenant, higher first at every shard boundary; changes the order of shards only"),
                false));
        if (!kind.precisionFields().isEmpty()) {
            fields.add(new Field("until", until(kind), false));
        }
        return fields;
    }

    /** {@code until}: one of the kind's precision fields and its target (docs/kinds.md, the prefix rule). */
    private static Map<String, Object> until(JobKind<?, ?, ?> kind) {
        var properties = new LinkedHashMap<String, Object>();
        for (var p : kind.precisionFields()) {
            properties.put(
                    p.field(),
                    Map.of(
                            "type",
                            "number",
                            "format",
                            "double",
                            "exclusiveMinimum",
                            0,
                            "description",
                            p.description()
                                    + (p.better() == io.forkpool.kind.api.Precision.Better.LOWER
                                            ? ": the job stops once it is at most this"
                                            : ": the job stops once it is at least this")));
        }
        var schema = new LinkedHashMap<String, Object>();
        schema.put("type", "object");
        schema.put(
                "description",
                "a precision target: the job stops at the smallest in-order prefix of its shards whose result meets "
                        + "it (the same on any number of workers), and its work-units field is then the cap");
        schema.put("properties", properties);
        schema.put("minProperties", 1);
        schema.put("maxProperties", 1);
        schema.put("additionalProperties", false);
        return schema;
    }

    private Map<String, Object> field(RecordComponent c) {
        var schema = new LinkedHashMap<String, Object>();
        Class<?> t = c.getType();
        if (t == Long.class || t == long.class || t == Integer.class || t == int.class) {
            schema.put("type", "integer");
            schema.put("format", t == Long.class || t == long.class ? "int64" : "int32");
        } else if (t == Double.class || t == double.class) {
            schema.put("type", "number");
            schema.put("format", "double");
        } else if (t == Boolean.class || t == boolean.class) {
            schema.put("type", "boolean");
        } else if (t.isEnum()) {
            schema.put("type", "string");
            schema.put(
                    "enum",
                    Arrays.stream(t.getEnumConstants())
                            .map(e -> ((Enum<?>) e).name())
                            .toList());
        } else {
            schema.put("type", "string");
        }
        if (RequestFields.has(c, WorkUnits.class)) {
            schema.put("minimum", 1);
            schema.put("maximum", maxUnits);
        }
        Min min = RequestFields.annotation(c, Min.class);
        if (min != null) {
            schema.put("minimum", min.value());
        }
        Max max = RequestFields.annotation(c, Max.class);
        if (max != null) {
            schema.put("maximum", max.value());
        }
        DecimalMin dmin = RequestFields.annotation(c, DecimalMin.class);
        if (dmin != null) {
            schema.put(dmin.inclusive() ? "minimum" : "exclusiveMinimum", number(dmin.value()));
        }
        DecimalMax dmax = RequestFields.annotation(c, DecimalMax.class);
        if (dmax != null) {
            schema.put(dmax.inclusive() ? "maximum" : "exclusiveMaximum", number(dmax.value()));
        }
        Default d = RequestFields.annotation(c, Default.class);
        if (d != null) {
            schema.put("default", jsonValue(RequestFields.parse(t, d.value())));
        }
        Description description = RequestFields.annotation(c, Description.class);
        if (description != null) {
            schema.put("description", description.value());
        }
        return schema;
    }

    private static Object jsonValue(Object value) {
        return value instanceof Enum<?> e ? e.name() : value;
    }

    private static Number number(String text) {
        var value = new BigDecimal(text);
        return value.scale() <= 0 && value.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) < 0
                ? (Number) value.longValueExact()
                : value;
    }
}
