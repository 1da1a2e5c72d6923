package io.forkpool.kind;

/** Operator-set bounds on a job's size, checked by {@link JobRequest#validate}. */
public record Limits(long maxSamples) {

    public static final Limits DEFAULT = new Limits(10_000_000_000_000L);
}
