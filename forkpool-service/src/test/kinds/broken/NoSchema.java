package broken;

import io.forkpool.kind.api.Codec;
import io.forkpool.kind.api.JobKind;
import io.forkpool.kind.api.Layout;
import io.forkpool.kind.api.Shard;
import java.util.Map;

/** A request field no JSON Schema of forkpool's can describe (a map). */
public final class NoSchema implements JobKind<NoSchema.Request, Long, NoSchema.Result> {

    public record Request(Long units, Map<String, Long> weights) {}

    public record Result(long units) {}

    @Override
    public String name() {
        return "no-schema";
    }

    @Override
    public String description() {
        return "a kind whose request has no valid schema";
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
        return new Request(1L, Map.of());
    }

    @Override
    public Layout layout(Request request) {
        return new Layout(request.units(), 1, 1);
    }

    @Override
    public Long compute(Request request, Shard shard) {
        return shard.units();
    }

    @Override
    public Codec<Long> partialCodec() {
        return LONGS;
    }

    /** A hand-written codec (the test kinds' partials are plain longs). */
    static final Codec<Long> LONGS = new Codec<>() {
        @Override
        public void write(java.io.DataOutput out, Long value) throws java.io.IOException {
            out.writeLong(value);
        }

        @Override
        public Long read(java.io.DataInput in) throws java.io.IOException {
            return in.readLong();
        }
    };

    @Override
    public Long merge(Long a, Long b) {
        return a + b;
    }

    @Override
    public Result finish(Request request, Long merged) {
        return new Result(merged);
    }
}
