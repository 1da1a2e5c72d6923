package io.forkpool.plugin;

/**
 * A job's precision target, its body's {@code "until": {"<field>": <target>}}: the job stops at
 * the smallest in-order prefix of its shards whose merged result meets it ({@code samples} is then
 * the cap). {@code field} is one of its kind's {@link io.forkpool.kind.api.Precision} fields.
 */
public record Until(String field, double target) {

    public Until {
        if (!(target > 0) || !Double.isFinite(target)) {
            throw new IllegalArgumentException("a target is a positive finite number, not " + target);
        }
    }
}
