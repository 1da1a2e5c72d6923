package io.forkpool.plugin;

import com.fasterxml.jackson.annotation.JsonValue;
import io.forkpool.kind.api.Codec;
import io.forkpool.kind.api.JobKind;
import io.forkpool.kind.api.Layout;
import io.forkpool.kind.api.Plot;
import io.forkpool.kind.api.Precision;
import io.forkpool.kind.api.Shard;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A job's request bound to its kind: the kind, its request record (defaults filled) and the seed
 * (null for a kind without randomness). Everything the service and the workers do with a job's
 * parameters goes through here, so no part of forkpool knows any kind by name.
 *
 * <p>As JSON it is the body the user sent with every default and the seed filled in: {@code
 * {"type": ..., <fields>..., "seed": ...}}.
 */
@SuppressWarnings({"rawtypes", "unchecked"})
public final class JobRequest {

    private final JobKind kind;
    private final Record params;
    private final Long seed;
    private final Layout layout;
    private final Codec<Object> partials;
    private final Until until;
    private final Precision precision;
    private volatile byte[] encoded;

    private JobRequest(JobKind<?, ?, ?> kind, Record params, Long seed, Until until) {
        this.kind = Objects.requireNonNull(kind);
        this.params = Objects.requireNonNull(params);
        this.seed = kind.seeded() ? Objects.requireNonNull(seed, "seed") : null;
        this.until = until;
        this.precision = until == null ? null : precisionField(kind, until.field());
        this.layout = ((JobKind) kind).layout(params);
        this.partials = (Codec<Object>) kind.partialCodec();
    }

    /** {@code params} must be of the kind's request type with its defaults filled. */
    public static JobRequest of(JobKind<?, ?, ?> kind, Record params, Long seed) {
        return of(kind, params, seed, null);
    }

    /** As above, stopping at the precision target {@code until} (null: none), a field the kind declares. */
    public static JobRequest of(JobKind<?, ?, ?> kind, Record params, Long seed, Until until) {
        if (!kind.requestType().isInstance(params)) {
            throw new IllegalArgumentException(
                    "a " + kind.name() + " job needs a " + kind.requestType().getSimpleName() + ", not a "
                            + params.getClass().getSimpleName());
        }
        return new JobRequest(kind, params, seed, until);
    }

    /** The kind's precision field of that name, or null if it declares none such. */
    public static Precision<?> precisionField(JobKind<?, ?, ?> kind, String field) {
        for (Precision<?> p : kind.precisionFields()) {
            if (p.field().equals(field)) {
                return p;
            }
        }
        return null;
    }

    public JobKind<?, ?, ?> kind() {
        return kind;
    }

    /** The kind's name: the JSON {@code type}. */
    public String type() {
        return kind.name();
    }

    public Record params() {
        return params;
    }

    /** The seed of the job's random streams; null for a kind that draws none. */
    public Long seed() {
        return seed;
    }

    /** The precision target the job stops at, or null: it runs every shard. */
    public Until until() {
        return until;
    }

    /** Whether {@code result} (of a prefix of the shards) meets the job's target; false without one. */
    public boolean meetsTarget(Record result) {
        return precision != null && precision.met(result, until.target());
    }

    /** The measure of the target's field in {@code result}, or null without a target. */
    public Double measure(Record result) {
        return precision == null ? null : precision.of(result);
    }

    /** Whether a running job shows its partial result (the kind opted in). */
    public boolean partialResults() {
        return kind.partialResults();
    }

    /** Work units of shards 0 to {@code shards - 1}: the samples a prefix of the job covers. */
    public long unitsOfShards(int shards) {
        return shards <= 0
                ? 0
                : Math.min(layout.units(), (long) shards * layout.blocksPerShard() * layout.blockUnits());
    }

    /** Work units of the whole job (samples, rolls or terms), for metrics and progress. */
    public long units() {
        return layout.units();
    }

    public int shardCount() {
        return layout.shardCount();
    }

    public long shardUnits(int shard) {
        return layout.shardUnits(shard);
    }

    /** Runs one shard: the kind's kernel, called in a worker process. */
    public Object compute(int shard) {
        return kind.compute(params, new Shard(shard, layout, seed == null ? 0 : seed));
    }

    /** Runs one shard and returns its partial as bytes, as a worker sends it. */
    public byte[] computeEncoded(int shard) {
        return partials.encode(compute(shard));
    }

    public Object merge(Object a, Object b) {
        return kind.merge(a, b);
    }

    public byte[] encodePartial(Object partial) {
        return partials.encode(partial);
    }

    public Object decodePartial(byte[] bytes) {
        return partials.decode(bytes);
    }

    /** The result record from the merge of every shard's partial. */
    public Record finish(Object merged) {
        return (Record) kind.finish(params, merged);
    }

    /** The kind's chart of {@code result}, or null. */
    public Plot plot(Record result) {
        return kind.plot(params, result);
    }

    /** The request record as bytes: how it crosses the worker pipe (made once per job). */
    public byte[] encodedParams() {
        byte[] bytes = encoded;
        if (bytes == null) {
            bytes = REQUEST_CODECS.get(params.getClass()).encode(params);
            encoded = bytes;
        }
        return bytes;
    }

    /** The request from {@link #encodedParams}, in another process. */
    public static JobRequest decode(KindRegistry registry, String type, Long seed, byte[] params) {
        var kind = registry.find(type)
                .orElseThrow(() -> new IllegalArgumentException("no kind named " + type + " is installed here"));
        return new JobRequest(kind, REQUEST_CODECS.get(kind.requestType()).decode(params), seed, null);
    }

    /** One codec per request record class, made once (reflection). */
    private static final ClassValue<Codec<Record>> REQUEST_CODECS = new ClassValue<>() {
        @Override
        protected Codec<Record> computeValue(Class<?> type) {
            return Codec.ofRecord((Class<Record>) type);
        }
    };

    /** The JSON form: type, the fields (defaults filled), then the seed. */
    @JsonValue
    public Map<String, Object> json() {
        var json = new LinkedHashMap<String, Object>();
        json.put("type", type());
        json.putAll(RequestFields.asMap(params));
        if (seed != null) {
            json.put("seed", seed);
        }
        if (until != null) {
            json.put("until", Map.of(until.field(), until.target()));
        }
        return json;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof JobRequest r
                && r.kind.getClass() == kind.getClass()
                && Objects.equals(r.seed, seed)
                && Objects.equals(r.until, until)
                && Arrays.deepEquals(RequestFields.values(r.params), RequestFields.values(params));
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind.name(), seed, until, Arrays.deepHashCode(RequestFields.values(params)));
    }

    @Override
    public String toString() {
        return json().toString();
    }
}
