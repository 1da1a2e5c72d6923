package slow;

import io.forkpool.kind.api.Codec;
import io.forkpool.kind.api.JobKind;
import io.forkpool.kind.api.Layout;
import io.forkpool.kind.api.Shard;
import io.forkpool.kind.api.WorkUnits;
import jakarta.validation.constraints.NotNull;
import java.lang.management.ManagementFactory;

/**
 * A kind whose kernel burns {@code cpuNanosPerUnit} of its thread's CPU time per unit, and twice
 * that in the worker process whose pid is {@code slowPid}: a worker that is really slower per CPU
 * second (as a JVM in a slow JIT mode is), not one that merely gets less of the CPU.
 */
public final class Spinner implements JobKind<Spinner.Request, Spinner.Count, Spinner.Result> {

    public record Request(@NotNull @WorkUnits Long units, Long cpuNanosPerUnit, Long slowPid) {}

    public record Count(long units) {}

    public record Result(long units) {}

    private static final Codec<Count> CODEC = Codec.ofRecord(Count.class);

    @Override
    public String name() {
        return "spinner";
    }

    @Override
    public String description() {
        return "burns CPU time per unit, twice as much in one chosen worker process";
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
        return new Request(100L, 100_000L, 0L);
    }

    @Override
    public boolean seeded() {
        return false;
    }

    /** 100 units a shard. */
    @Override
    public Layout layout(Request request) {
        return new Layout(request.units(), 100, 1);
    }

    @Override
    public Count compute(Request request, Shard shard) {
        long factor = request.slowPid() != null
                        && request.slowPid() == ProcessHandle.current().pid()
                ? 2
                : 1;
        var threads = ManagementFactory.getThreadMXBean();
        long until = threads.getCurrentThreadCpuTime() + shard.units() * request.cpuNanosPerUnit() * factor;
        long spins = 0;
        while (threads.getCurrentThreadCpuTime() < until) {
            spins++;
        }
        return new Count(spins >= 0 ? shard.units() : 0);
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
