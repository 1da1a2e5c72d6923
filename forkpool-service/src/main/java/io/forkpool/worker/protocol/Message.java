package io.forkpool.worker.protocol;

import io.forkpool.plugin.JobRequest;
import java.util.Arrays;
import java.util.Objects;

/** What parent and worker say to each other, one message per frame. */
public sealed interface Message {

    /** Protocol version both sides must speak; the worker's first frame announces it. */
    int VERSION = 3;

    /**
     * A worker's exit code when its kernels did not reach compiled speed within its warm-up
     * budget: it exits instead of saying hello, so that it is never counted ready, and the pool
     * starts another (or, after a few in a row, one without warm-up: a JVM where they never will).
     */
    int EXIT_COLD = 75;

    /** Worker to parent, once, when its kernels are warm and it can take shards. */
    record Hello(int version, long pid) implements Message {}

    /**
     * Parent to worker: compute shard {@code shard} of the job of kind {@code type}, whose request
     * record is {@code params} (the kind's request codec) and seed {@code seed} (null: a kind
     * without randomness); {@code ticket} names this try.
     */
    record Run(long ticket, String type, Long seed, byte[] params, int shard) implements Message {

        public Run(long ticket, JobRequest request, int shard) {
            this(ticket, request.type(), request.seed(), request.encodedParams(), shard);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Run r
                    && r.ticket == ticket
                    && r.type.equals(type)
                    && Objects.equals(r.seed, seed)
                    && Arrays.equals(r.params, params)
                    && r.shard == shard;
        }

        @Override
        public int hashCode() {
            return Objects.hash(ticket, type, seed, Arrays.hashCode(params), shard);
        }

        @Override
        public String toString() {
            return "Run[ticket=" + ticket + ", type=" + type + ", seed=" + seed + ", params=" + params.length
                    + " bytes, shard=" + shard + "]";
        }
    }

    /**
     * Worker to parent: the shard's partial (the kind's partial codec), the time the kernel took,
     * and the CPU time its thread used meanwhile (-1 where the JVM cannot tell): a worker's speed
     * is judged on that, which a busy machine's scheduling does not blur.
     */
    record Done(long ticket, long computeNanos, long cpuNanos, byte[] partial) implements Message {

        @Override
        public boolean equals(Object other) {
            return other instanceof Done d
                    && d.ticket == ticket
                    && d.computeNanos == computeNanos
                    && d.cpuNanos == cpuNanos
                    && Arrays.equals(d.partial, partial);
        }

        @Override
        public int hashCode() {
            return Objects.hash(ticket, computeNanos, cpuNanos, Arrays.hashCode(partial));
        }

        @Override
        public String toString() {
            return "Done[ticket=" + ticket + ", computeNanos=" + computeNanos + ", cpuNanos=" + cpuNanos + ", partial="
                    + partial.length + " bytes]";
        }
    }

    /** Worker to parent: the kernel threw; the worker stays usable. */
    record Failed(long ticket, String reason) implements Message {}
}
