package io.forkpool.kind.api;

/**
 * A request's rules that span fields ({@link JobKind#check}): the request as given and with its
 * defaults, which fields passed their own checks, and where to report a problem.
 *
 * @param <R> the kind's request record
 */
public interface CrossCheck<R extends Record> {

    /** The request as the user sent it: null where a field was absent. */
    R given();

    /** The request with every absent field's {@link Default} filled in. */
    R filled();

    /** True when every named field is valid on its own (or absent): compare only those. */
    boolean valid(String... fields);

    /** Reports a problem with {@code field} (its JSON name); the job is refused with a 400. */
    void reject(String field, String message);
}
