package io.forkpool.kind;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * The parameters of one job: the JSON body of {@code POST /api/v1/jobs}, discriminated by
 * {@code type}. The closed set of kinds is the whole of what workers can run: they never run
 * user code.
 *
 * <p>Life of a request: {@link #validate} on the raw body (fields may be null), then
 * {@link #withDefaults} fills defaults and the seed, then the job is cut into
 * {@link #shardCount()} shards, each computed in a worker by {@link #compute}, merged with
 * {@link Partial#merge} and finished with {@link #finish}. Shards are made of fixed-size blocks
 * whose random streams depend on (seed, block index) only, so the result never depends on how
 * many workers ran it, nor in which order the partials were merged.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = PiRequest.class, name = "pi"),
    @JsonSubTypes.Type(value = ProjectileRequest.class, name = "projectile"),
    @JsonSubTypes.Type(value = DiceRequest.class, name = "dice"),
    @JsonSubTypes.Type(value = SineRequest.class, name = "sine"),
    @JsonSubTypes.Type(value = SmallestMultipleRequest.class, name = "smallest-multiple")
})
public sealed interface JobRequest
        permits PiRequest, ProjectileRequest, DiceRequest, SineRequest, SmallestMultipleRequest {

    /** The kind's name as in the API: {@code pi}, {@code projectile}, ... */
    String type();

    /** Every invalid field of this raw request (empty if valid); field names as in the JSON. */
    List<FieldError> validate(Limits limits);

    /** A copy with every default filled in and the given seed where the request has none. */
    JobRequest withDefaults(long seed);

    /** Work units of the whole job (samples, rolls or terms), for metrics and progress. */
    long units();

    /** Number of shards of this job; depends on the request alone. */
    int shardCount();

    /** Work units of one shard. */
    long shardUnits(int shard);

    /** Runs one shard: the kernel, called in a worker process. */
    Partial compute(int shard);

    /** The result of the whole job from the merge of all its shards' partials. */
    JobResult finish(Partial merged);
}
