package io.forkpool.kind.api;

/**
 * One kind of job: the JSON {@code type} of {@code POST /api/v1/jobs} and everything forkpool needs
 * to run it on many worker processes.
 *
 * <p>The life of a request, and who does what:
 * <ol>
 *   <li>forkpool binds the JSON body (less {@code type}, {@code seed} and {@code timeoutSeconds}) to
 *       {@link #requestType()}, checks the fields' Jakarta Bean Validation annotations ({@code
 *       @NotNull}, {@code @Min}, {@code @Max}, {@code @DecimalMin}, {@code @DecimalMax}) and {@link
 *       WorkUnits}, fills absent fields from their {@link Default}s, then calls {@link #check} for
 *       the rules that span fields;</li>
 *   <li>{@link #layout} cuts the job into blocks and shards, from the request alone;</li>
 *   <li>each shard runs in a worker process: {@link #compute}, handed a random stream per block
 *       that forkpool derives from (seed, block) ({@link Shard#random});</li>
 *   <li>partials travel as bytes ({@link #partialCodec}) and are merged with {@link #merge}, in
 *       whatever order shards end;</li>
 *   <li>{@link #finish} turns the merged partial into the result, which the API returns as JSON
 *       (a record's components become its fields); {@link #plot} optionally describes a chart.</li>
 * </ol>
 *
 * <p>Same request and same seed give the same result on any number of workers, replicas and
 * retries, as long as {@code compute} depends on its arguments only and {@code merge} is exact,
 * associative and commutative (integer counts, minimums, exact decimal sums; not floating-point
 * sums).
 *
 * <p>Implementations must have a public no-argument constructor (they are found with {@link
 * java.util.ServiceLoader}, in the service and in every worker), be stateless and thread-safe.
 *
 * @param <R> the request: a record of the JSON fields
 * @param <P> what one shard computes (a partial)
 * @param <T> the result: a record of the answer's JSON fields
 */
public interface JobKind<R extends Record, P, T extends Record> {

    /** The JSON {@code type}: lower case letters, digits and dashes, e.g. {@code birthday}. */
    String name();

    /** One line for people: what the kind computes. */
    String description();

    /** The request record; its components are the JSON fields. */
    Class<R> requestType();

    /** The result record; its components are the result's JSON fields. */
    Class<T> resultType();

    /** A request that runs in about a second: shown in {@code /api/v1/kinds}, Swagger UI and forms. */
    R example();

    /**
     * A request that runs in about a millisecond, in one shard: the service sends it to itself tens
     * of thousands of times before it says ready, so that the request path of this kind is compiled
     * when the first users come. Defaults to {@link #example()}, which the service then sends only a
     * few times if it is more than one shard; override it when the example takes longer.
     */
    default R warmup() {
        return example();
    }

    /**
     * What a worker process runs before it takes shards, so that this kind's kernel is compiled when
     * the first one comes ({@link WorkerWarmup}); null (the default): nothing.
     */
    default WorkerWarmup<R> workerWarmup() {
        return null;
    }

    /**
     * Whether the job uses randomness: then the body takes an optional {@code seed} (forkpool picks
     * one when it is absent and shows it in the job's request) and {@link Shard#random} works.
     */
    default boolean seeded() {
        return true;
    }

    /**
     * Rules that span several fields, run after every field passed its own annotations or was
     * absent. Reject with {@link CrossCheck#reject}, naming the field the user should change.
     */
    default void check(CrossCheck<R> check) {}

    /** How the job of {@code request} (defaults filled) is cut into blocks and shards. */
    Layout layout(R request);

    /** The kernel: computes shard {@code shard} of {@code request}. Runs in a worker process. */
    P compute(R request, Shard shard);

    /** How a partial becomes bytes and back (worker pipe, Redis). */
    Codec<P> partialCodec();

    /** Exact, associative and commutative merge of two partials. */
    P merge(P a, P b);

    /** The result of the whole job from the merge of all its shards' partials. */
    T finish(R request, P merged);

    /**
     * Whether a running job shows {@code partialResult}: {@link #finish} applied to the shards merged
     * so far. Off by default (a kind whose {@code finish} needs every shard, or whose partial
     * answer would mislead); turn it on when {@code finish} reads the sample count from the merged
     * partial rather than from the request.
     */
    default boolean partialResults() {
        return false;
    }

    /**
     * The result fields a body may name in {@code until} (a precision target), none by default;
     * then {@code until} is refused for this kind. Declaring any implies that {@link #finish} works
     * on the merge of any prefix of the shards.
     */
    default java.util.List<Precision<T>> precisionFields() {
        return java.util.List.of();
    }

    /** A chart of the result for {@code /api/v1/jobs/{id}/plot.svg}, or null for none. */
    default Plot plot(R request, T result) {
        return null;
    }
}
