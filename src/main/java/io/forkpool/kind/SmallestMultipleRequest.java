package io.forkpool.kind;

import java.util.List;

public record SmallestMultipleRequest(Long samples, Long factor, Long low, Long high, Long seed) implements JobRequest {

    @Override
    public String type() {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public List<FieldError> validate(Limits limits) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public JobRequest withDefaults(long seed) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public long units() {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public int shardCount() {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public long shardUnits(int shard) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public Partial compute(int shard) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public JobResult finish(Partial merged) {
        throw new UnsupportedOperationException("TODO");
    }
}
