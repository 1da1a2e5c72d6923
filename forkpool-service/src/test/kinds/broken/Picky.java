package broken;

import io.forkpool.kind.api.Codec;
import io.forkpool.kind.api.JobKind;
import io.forkpool.kind.api.Layout;
import io.forkpool.kind.api.Shard;
import io.forkpool.kind.api.WorkUnits;
import jakarta.validation.constraints.NotNull;

/**
 * A kind whose request record refuses some values in its constructor (13 units) and whose layout
 * cannot cut others (a block size of 0): the API must answer both with a 400, not a 500.
 */
public final class Picky implements JobKind<Picky.Request, Long, Picky.Result> {

    public record Request(@NotNull @WorkUnits Long units, Integer blockUnits) {
        public Request {
            if (units != null && units == 13) {
                throw new IllegalArgumentException("13 units are refused by the record itself");
            }
        }
    }

    public record Result(long units) {}

    @Override
    public String name() {
        return "picky";
    }

    @Override
    public String description() {
        return "a kind whose record and layout refuse some requests";
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
        return new Request(100L, 10);
    }

    @Override
    public boolean seeded() {
        return false;
    }

    @Override
    public Layout layout(Request request) {
        return new Layout(request.units(), request.blockUnits() == null ? 10 : request.blockUnits(), 1);
    }

    @Override
    public Long compute(Request request, Shard shard) {
        return shard.units();
    }

    @Override
    public Codec<Long> partialCodec() {
        return NoSchema.LONGS;
    }

    @Override
    public Long merge(Long a, Long b) {
        return a + b;
    }

    @Override
    public Result finish(Request request, Long merged) {
        return new Result(merged);
    }
}
