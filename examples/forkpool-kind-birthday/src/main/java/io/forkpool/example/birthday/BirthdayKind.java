package io.forkpool.example.birthday;

import io.forkpool.kind.api.Codec;
import io.forkpool.kind.api.CrossCheck;
import io.forkpool.kind.api.JobKind;
import io.forkpool.kind.api.Layout;
import io.forkpool.kind.api.Plot;
import io.forkpool.kind.api.Precision;
import io.forkpool.kind.api.Shard;
import io.forkpool.kind.api.Xoshiro256;
import java.util.List;

/**
 * The birthday problem by simulation, as a forkpool kind: each shard simulates its blocks of rooms,
 * drawing every birthday from the block's own random stream, and counts the rooms where two people
 * share a birthday. Counts add up exactly, so the result is the same on 1 worker or 64.
 */
public final class BirthdayKind implements JobKind<BirthdayRequest, BirthdayKind.Count, BirthdayResult> {

    static final int MAX_PEOPLE = 10_000;
    static final int MAX_DAYS = 1_000_000;

    /** Rooms per block: the unit of randomness. */
    static final int BLOCK_TRIALS = 4096;

    /** At most this many blocks per shard (about 20 ms of compute for 23 people). */
    static final int MAX_BLOCKS_PER_SHARD = 64;

    /** z such that P(|N(0,1)| ≤ z) = 0.95. */
    private static final double Z_95 = 1.959963984540054;

    /** What a shard found: rooms with a shared birthday, of rooms simulated. */
    public record Count(long shared, long trials) {}

    private static final Codec<Count> CODEC = Codec.ofRecord(Count.class);

    @Override
    public String name() {
        return "birthday";
    }

    @Override
    public String description() {
        return "The birthday problem by simulation: how likely two people in a room share a birthday";
    }

    @Override
    public Class<BirthdayRequest> requestType() {
        return BirthdayRequest.class;
    }

    @Override
    public Class<BirthdayResult> resultType() {
        return BirthdayResult.class;
    }

    @Override
    public BirthdayRequest example() {
        return new BirthdayRequest(1_000_000L, 23, 365);
    }

    /** More people than days always share: a valid question, but not one worth simulating. */
    @Override
    public void check(CrossCheck<BirthdayRequest> check) {
        if (check.valid("people", "days")) {
            var r = check.filled();
            if (r.people() > r.days()) {
                check.reject(
                        check.given().people() != null ? "people" : "days",
                        "must allow distinct birthdays: people (" + r.people() + ") must be at most days (" + r.days()
                                + ")");
            }
        }
    }

    @Override
    public Layout layout(BirthdayRequest request) {
        return Layout.forJob(request.trials(), BLOCK_TRIALS, MAX_BLOCKS_PER_SHARD);
    }

    @Override
    public Count compute(BirthdayRequest request, Shard shard) {
        int people = request.people();
        int days = request.days();
        // seen[d] == room: day d is taken in this room; rooms number from 1, so no clearing.
        int[] seen = new int[days];
        int room = 0;
        long shared = 0;
        for (long block = shard.firstBlock(); block < shard.endBlock(); block++) {
            Xoshiro256 random = shard.random(block);
            for (int t = 0; t < shard.unitsOfBlock(block); t++) {
                room++;
                for (int p = 0; p < people; p++) {
                    int day = random.nextInt(days);
                    if (seen[day] == room) {
                        shared++;
                        break;
                    }
                    seen[day] = room;
                }
            }
        }
        return new Count(shared, shard.units());
    }

    @Override
    public Codec<Count> partialCodec() {
        return CODEC;
    }

    @Override
    public Count merge(Count a, Count b) {
        return new Count(a.shared() + b.shared(), a.trials() + b.trials());
    }

    /** {@code finish} counts the rooms from the merged partial, so a running job can show it. */
    @Override
    public boolean partialResults() {
        return true;
    }

    /** {@code "until": {"stdError": 0.001}} runs rooms until the probability is that precise. */
    @Override
    public List<Precision<BirthdayResult>> precisionFields() {
        return List.of(Precision.lowerIsBetter(
                "stdError", "standard error of the simulated probability", BirthdayResult::stdError));
    }

    @Override
    public BirthdayResult finish(BirthdayRequest request, Count count) {
        long n = count.trials();
        double p = (double) count.shared() / n;
        double stdError = Math.sqrt(p * (1 - p) / n);
        return new BirthdayResult(
                p,
                count.shared(),
                n,
                stdError,
                new double[] {p - Z_95 * stdError, p + Z_95 * stdError},
                exact(request.people(), request.days()));
    }

    /** Two bars: the estimate and the exact probability, in percent. */
    @Override
    public Plot plot(BirthdayRequest request, BirthdayResult result) {
        return new Plot.Bars(
                "birthday: " + request.people() + " people, " + request.days() + " days",
                String.format(java.util.Locale.ROOT, "%,d rooms simulated", result.trials()),
                "probability of a shared birthday (%)",
                List.of(
                        new Plot.Bar("simulated", 100 * result.probability()),
                        new Plot.Bar("exact", 100 * result.exact())),
                null,
                null);
    }

    /** P(some two of {@code people} share a birthday) = 1 - Π_{i<people} (days - i) / days. */
    static double exact(int people, int days) {
        double distinct = 1;
        for (int i = 0; i < people && distinct > 0; i++) {
            distinct *= (double) (days - i) / days;
        }
        return 1 - distinct;
    }
}
