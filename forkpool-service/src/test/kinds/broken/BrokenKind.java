package broken;

import io.forkpool.kind.api.Codec;
import io.forkpool.kind.api.JobKind;
import io.forkpool.kind.api.Layout;
import io.forkpool.kind.api.Shard;
import io.forkpool.kind.api.WorkUnits;
import jakarta.validation.constraints.NotNull;

/**
 * Test kinds that misbehave in their kernel, on shard {@code badShard} only (the other shards
 * count their units): each subclass is one way a kind's code can go wrong in a worker.
 */
public abstract class BrokenKind implements JobKind<BrokenKind.Request, BrokenKind.Count, BrokenKind.Result> {

    public record Request(@NotNull @WorkUnits Long units, Integer badShard) {}

    public record Count(long units) {}

    public record Result(long units) {}

    private static final Codec<Count> CODEC = Codec.ofRecord(Count.class);

    /** What the bad shard does. */
    protected abstract void misbehave();

    @Override
    public String description() {
        return "a kind that misbehaves on purpose: " + name();
    }

    @Override
    public Class<Request> requestType() {
        return Request.class;
    }

    @Override
    public Class<Result> resultType() {
        return Result.class;
    }

    @Override
    public Request example() {
        return new Request(1000L, 0);
    }

    @Override
    public boolean seeded() {
        return false;
    }

    @Override
    public Layout layout(Request request) {
        return new Layout(request.units(), 100, 1);
    }

    @Override
    public Count compute(Request request, Shard shard) {
        if (request.badShard() != null && shard.index() == request.badShard()) {
            misbehave();
        }
        return new Count(shard.units());
    }

    @Override
    public Codec<Count> partialCodec() {
        return CODEC;
    }

    @Override
    public Count merge(Count a, Count b) {
        return new Count(a.units() + b.units());
    }

    @Override
    public Result finish(Request request, Count merged) {
        return new Result(merged.units());
    }
}
