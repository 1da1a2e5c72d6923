package io.forkpool.catalog;

import io.forkpool.kind.api.CrossCheck;
import io.forkpool.kind.api.JobKind;
import io.forkpool.kind.api.Layout;
import io.forkpool.kind.api.WorkUnits;
import io.forkpool.plugin.FieldError;
import io.forkpool.plugin.InvalidRequestException;
import io.forkpool.plugin.JobRequest;
import io.forkpool.plugin.KindRegistry;
import io.forkpool.plugin.RequestFields;
import io.forkpool.plugin.Until;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A JSON job body to a request of its kind: the {@code type} picks the kind, the other fields bind
 * to its request record, each field is checked against its Bean Validation annotations and
 * {@link WorkUnits} (the operator's {@code forkpool.limits.max-samples}), absent fields take their
 * defaults, then the kind's own cross-field check runs. Every bad field is named, one message each.
 */
public final class RequestBinder {

    private static final Logger log = LoggerFactory.getLogger(RequestBinder.class);

    private final KindRegistry kinds;
    private final ObjectMapper json;
    private final Validator validator;
    private final long maxUnits;

    public RequestBinder(KindRegistry kinds, ObjectMapper json, Validator validator, long maxUnits) {
        this.kinds = kinds;
        this.json = json;
        this.validator = validator;
        this.maxUnits = maxUnits;
    }

    /**
     * A valid body as sent: the kind, the request as given and with its defaults, and the seed if
     * the body had one. Two drafts are equal when their bodies mean the same request.
     */
    public record Draft(JobKind<?, ?, ?> kind, Record given, Record filled, Long seed, Until until) {

        public Draft(JobKind<?, ?, ?> kind, Record given, Record filled, Long seed) {
            this(kind, given, filled, seed, null);
        }

        /** The request that runs: the body's seed, else {@code fallbackSeed}. */
        public JobRequest withSeed(long fallbackSeed) {
            return JobRequest.of(kind, filled, kind.seeded() ? (seed != null ? seed : fallbackSeed) : null, until);
        }
    }

    /**
     * Binds and checks {@code body} (without {@code timeoutSeconds}).
     *
     * @throws InvalidRequestException naming every bad field: unknown, of the wrong JSON type, out
     *     of its bounds, refused by the kind's checks
     * @throws JacksonException a body that no field can be blamed for (ProblemAdvice describes it)
     */
    public Draft bind(ObjectNode body) {
        JsonNode type = body.get("type");
        JobKind<?, ?, ?> kind =
                type != null && type.isString() ? kinds.find(type.asString()).orElse(null) : null;
        if (kind == null) {
            throw new InvalidRequestException(
                    List.of(new FieldError("type", "must be one of " + String.join(", ", kinds.names()))));
        }
        var errors = new ArrayList<FieldError>();
        ObjectNode fields = body.deepCopy();
        fields.remove("type");
        Long seed = null;
        JsonNode seedNode = fields.remove("seed");
        if (seedNode != null && !seedNode.isNull()) {
            if (!kind.seeded()) {
                errors.add(new FieldError("seed", "is not a field of this job type"));
            } else if (!seedNode.isIntegralNumber() || !seedNode.canConvertToLong()) {
                errors.add(new FieldError("seed", "has the wrong type or format"));
            } else {
                seed = seedNode.asLong();
            }
        }
        Until until = until(kind, fields.remove("until"), errors);
        // Every bad field in one answer: unknown ones and those of the wrong JSON type are named
        // and left out, and the rest is still bound and checked.
        List<String> names = RequestFields.names(kind.requestType());
        for (Iterator<String> it = fields.propertyNames().iterator(); it.hasNext(); ) {
            String name = it.next();
            if (!names.contains(name)) {
                errors.add(new FieldError(name, "is not a field of this job type"));
                it.remove();
            }
        }
        Set<String> unreadable = new HashSet<>();
        Record given =
                construct(kind, fields, unreadable, errors).orElseThrow(() -> new InvalidRequestException(errors));
        Map<String, String> invalid = fieldErrors(given);
        invalid.keySet().removeAll(unreadable); // absent from the record, but the client sent them
        Record filled;
        try {
            filled = RequestFields.withDefaults(given);
        } catch (RuntimeException e) {
            errors.add(new FieldError("body", "is not a valid " + kind.name() + " request: " + e.getMessage()));
            throw new InvalidRequestException(errors);
        }
        invalid.forEach((field, message) -> errors.add(new FieldError(field, message)));
        unreadable.forEach(field -> invalid.put(field, "has the wrong type or format"));
        crossCheck(kind, given, filled, invalid, errors);
        if (errors.isEmpty()) {
            plannable(kind, filled, errors);
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return new Draft(kind, given, filled, seed, until);
    }

    /**
     * The body's {@code until} (null if absent): one precision field the kind declares and a
     * positive finite target. A bad one is named ({@code until} or {@code until.<field>}).
     */
    private static Until until(JobKind<?, ?, ?> kind, JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        var declared = kind.precisionFields().stream().map(p -> p.field()).toList();
        if (declared.isEmpty()) {
            errors.add(new FieldError(
                    "until", "kind " + kind.name() + " declares no precision field: it cannot run until a target"));
            return null;
        }
        String shape = "must be an object with one precision field of kind " + kind.name() + " and its target, e.g. {\""
                + declared.getFirst() + "\": 0.001}";
        if (!(node instanceof ObjectNode target) || target.size() != 1) {
            errors.add(new FieldError("until", shape));
            return null;
        }
        String field = target.propertyNames().iterator().next();
        if (!declared.contains(field)) {
            errors.add(new FieldError(
                    "until." + field,
                    "is not a precision field of kind " + kind.name() + " (it has " + String.join(", ", declared)
                            + ")"));
            return null;
        }
        JsonNode value = target.get(field);
        if (value == null || !value.isNumber() || !(value.asDouble() > 0) || !Double.isFinite(value.asDouble())) {
            errors.add(new FieldError("until." + field, "must be a positive finite number"));
            return null;
        }
        return new Until(field, value.asDouble());
    }

    /**
     * The record from the fields. A field of the wrong JSON type is named in {@code errors} (and
     * {@code unreadable}) and left out, and the rest bound again. The record's own constructor
     * refusing the values is this request's fault too (a 400, not a 500): then no record.
     */
    private Optional<Record> construct(
            JobKind<?, ?, ?> kind, ObjectNode fields, Set<String> unreadable, List<FieldError> errors) {
        while (true) {
            try {
                return Optional.of(json.treeToValue(fields, kind.requestType()));
            } catch (tools.jackson.databind.exc.ValueInstantiationException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                errors.add(new FieldError("body", "is not a valid " + kind.name() + " request: " + cause.getMessage()));
                return Optional.empty();
            } catch (JacksonException e) {
                String field =
                        e.getPath().isEmpty() ? null : e.getPath().getFirst().getPropertyName();
                if (field == null || !fields.has(field)) {
                    throw e; // not one field's fault: ProblemAdvice describes it
                }
                errors.add(new FieldError(field, "has the wrong type or format"));
                unreadable.add(field);
                fields.remove(field);
            }
        }
    }

    /** The kind can cut the request into shards (its layout, at most 2^31-1 shards), or the job is refused. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void plannable(JobKind kind, Record filled, List<FieldError> errors) {
        try {
            ((Layout) kind.layout(filled)).shardCount();
        } catch (RuntimeException e) {
            String field = "body";
            for (RecordComponent c : filled.getClass().getRecordComponents()) {
                if (RequestFields.has(c, WorkUnits.class)) {
                    field = c.getName();
                }
            }
            log.info("kind {} cannot plan {}: {}", kind.name(), filled, e.toString());
            errors.add(
                    new FieldError(field, "cannot be cut into shards by kind " + kind.name() + ": " + e.getMessage()));
        }
    }

    /**
     * A request this service stored itself (its JSON form: type, every field with its default, the
     * seed): bound without today's limits or checks, which it passed when it was admitted, so that
     * a lowered limit or an updated kind never makes an admitted job unreadable.
     */
    public JobRequest read(JsonNode stored) {
        if (!(stored instanceof ObjectNode body)) {
            throw new IllegalArgumentException("a stored request is a JSON object, not " + stored);
        }
        String type = body.path("type").asString();
        JobKind<?, ?, ?> kind = kinds.find(type)
                .orElseThrow(
                        () -> new IllegalStateException("the kind " + type + " of a stored job is not installed here"));
        ObjectNode fields = body.deepCopy();
        fields.remove("type");
        JsonNode seed = fields.remove("seed");
        JsonNode until = fields.remove("until");
        Record params = RequestFields.withDefaults(json.treeToValue(fields, kind.requestType()));
        Until target = null;
        if (until instanceof ObjectNode t && t.size() == 1) {
            String field = t.propertyNames().iterator().next();
            target = new Until(field, t.get(field).asDouble());
        }
        return JobRequest.of(
                kind, params, kind.seeded() ? (seed == null || seed.isNull() ? 0L : seed.asLong()) : null, target);
    }

    /** Each field's own problem, in declaration order: the first of its annotations it breaks. */
    private Map<String, String> fieldErrors(Record given) {
        var errors = new LinkedHashMap<String, String>();
        var byField = new LinkedHashMap<String, List<ConstraintViolation<Record>>>();
        for (ConstraintViolation<Record> v : validator.validate(given)) {
            var node = v.getPropertyPath().iterator();
            String name = node.hasNext() ? node.next().getName() : null;
            byField.computeIfAbsent(name == null ? "" : name, k -> new ArrayList<>())
                    .add(v);
        }
        for (RecordComponent c : given.getClass().getRecordComponents()) {
            Object value = RequestFieldsAccess.value(given, c);
            String message = null;
            if (value instanceof Double d && !Double.isFinite(d)) {
                message = bounds(c);
            } else if (byField.containsKey(c.getName())) {
                var violations = byField.get(c.getName());
                boolean missing = violations.stream()
                        .anyMatch(v -> v.getConstraintDescriptor().getAnnotation() instanceof NotNull);
                message = missing ? "is required" : bounds(c);
                if (message == null) {
                    message = violations.getFirst().getMessage();
                }
            } else if (RequestFields.has(c, WorkUnits.class)
                    && value instanceof Long units
                    && (units < 1 || units > maxUnits)) {
                message = "must be between 1 and " + maxUnits;
            }
            if (message != null) {
                errors.put(c.getName(), message);
            }
            byField.remove(c.getName());
        }
        // Constraints on the record itself or on a derived getter (@AssertTrue isRangeValid()):
        // named by their path, or the body.
        byField.forEach((name, violations) -> errors.put(
                name == null || name.isEmpty() ? "body" : name,
                violations.getFirst().getMessage()));
        return errors;
    }

    /** One sentence for a field's bounds, as the API has always said them; null if it has none. */
    static String bounds(RecordComponent c) {
        Min min = RequestFields.annotation(c, Min.class);
        Max max = RequestFields.annotation(c, Max.class);
        if (min != null && max != null) {
            return "must be between " + min.value() + " and " + max.value();
        }
        if (min != null) {
            return "must be at least " + min.value();
        }
        if (max != null) {
            return "must be at most " + max.value();
        }
        DecimalMin dmin = RequestFields.annotation(c, DecimalMin.class);
        DecimalMax dmax = RequestFields.annotation(c, DecimalMax.class);
        String low = dmin == null ? null : (dmin.inclusive() ? "at least " : "greater than ") + dmin.value();
        String high = dmax == null ? null : (dmax.inclusive() ? "at most " : "less than ") + dmax.value();
        if (dmin != null && dmax != null && dmin.inclusive() && dmax.inclusive()) {
            return "must be a finite number between " + dmin.value() + " and " + dmax.value();
        }
        if (low != null && high != null) {
            return "must be a finite number " + low + " and " + high;
        }
        if (low != null || high != null) {
            return "must be a finite number " + (low != null ? low : high);
        }
        if (RequestFields.has(c, WorkUnits.class)) {
            return null;
        }
        return c.getType() == Double.class || c.getType() == double.class ? "must be a finite number" : null;
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void crossCheck(
            JobKind kind, Record given, Record filled, Map<String, String> invalid, List<FieldError> errors) {
        var check = new CrossCheck<Record>() {
            @Override
            public Record given() {
                return given;
            }

            @Override
            public Record filled() {
                return filled;
            }

            @Override
            public boolean valid(String... fields) {
                for (String field : fields) {
                    if (invalid.containsKey(field)) {
                        return false;
                    }
                }
                return true;
            }

            @Override
            public void reject(String field, String message) {
                errors.add(new FieldError(field, message));
            }
        };
        try {
            kind.check(check);
        } catch (RuntimeException e) {
            log.warn("kind {}: its check threw on {}", kind.name(), given, e);
            errors.add(new FieldError("body", "could not be checked by kind " + kind.name() + ": " + e));
        }
    }

    /** Reads one component of a record. */
    private static final class RequestFieldsAccess {
        static Object value(Record r, RecordComponent c) {
            try {
                var accessor = c.getAccessor();
                accessor.setAccessible(true);
                return accessor.invoke(r);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
