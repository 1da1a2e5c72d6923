package io.forkpool.example.birthday;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.kind.api.CrossCheck;
import io.forkpool.kind.api.Shard;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The example kind, tested as a kind author would: with the API alone, shard by shard as forkpool
 * runs it, against the birthday problem's exact probability.
 */
class BirthdayKindTest {

    private final BirthdayKind kind = new BirthdayKind();

    /** Every shard computed, its partial through the codec, merged in the given order. */
    private BirthdayKind.Count run(BirthdayRequest request, long seed, boolean reversed) {
        var layout = kind.layout(request);
        var partials = new ArrayList<BirthdayKind.Count>();
        for (int i = 0; i < layout.shardCount(); i++) {
            var partial = kind.compute(request, new Shard(i, layout, seed));
            partials.add(kind.partialCodec().decode(kind.partialCodec().encode(partial)));
        }
        if (reversed) {
            Collections.reverse(partials);
        }
        return partials.stream().reduce(kind::merge).orElseThrow();
    }

    @ParameterizedTest(name = "{0} people, {1} days, seed {2}, {3} rooms")
    @CsvSource({
        "23, 365, 1, 400000",
        "10, 365, 2, 400000",
        "2, 2, 3, 400000",
        "5, 5, 4, 400000",
        "50, 365, 5, 400000",
        "1000, 1000000, 6, 20000"
    })
    void theSharedShareIsBinomialAroundTheExactProbability(int people, int days, long seed, long trials) {
        var request = new BirthdayRequest(trials, people, days);
        var count = run(request, seed, false);
        assertThat(count.trials()).isEqualTo(trials);
        // shared ~ Binomial(trials, p): outside 5 standard deviations with probability below 6e-7.
        double p = BirthdayKind.exact(people, days);
        double sd = Math.sqrt(trials * p * (1 - p));
        assertThat((double) count.shared())
                .as("p = %s", p)
                .isCloseTo(trials * p, org.assertj.core.data.Offset.offset(5 * sd + 1e-9));
        var result = kind.finish(request, count);
        assertThat(result.probability()).isEqualTo((double) count.shared() / trials);
        assertThat(result.ci95()[0]).isLessThan(result.probability()).isLessThan(result.ci95()[1]);
    }

    @Test
    void theExactProbabilityIsTheTextbookOne() {
        // 1 - 365!/(342! · 365^23) = 0.507297..., the classic "23 people" answer.
        assertThat(BirthdayKind.exact(23, 365))
                .isCloseTo(0.5072972343239857, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(BirthdayKind.exact(2, 2)).isEqualTo(0.5);
        assertThat(BirthdayKind.exact(5, 5)).isCloseTo(1 - 120.0 / 3125, org.assertj.core.data.Offset.offset(1e-15));
        assertThat(BirthdayKind.exact(366, 365)).isEqualTo(1.0);
    }

    @Test
    void sameSeedSameCountWhateverTheMergeOrderAndAnotherSeedAnotherCount() {
        var request = new BirthdayRequest(1_000_003L, 23, 365);
        var inOrder = run(request, 42, false);
        assertThat(run(request, 42, true)).isEqualTo(inOrder);
        var layout = kind.layout(request);
        var partials = new ArrayList<BirthdayKind.Count>();
        for (int i = 0; i < layout.shardCount(); i++) {
            partials.add(kind.compute(request, new Shard(i, layout, 42)));
        }
        Collections.shuffle(partials, new Random(7));
        assertThat(partials.stream().reduce(kind::merge).orElseThrow()).isEqualTo(inOrder);
        assertThat(run(request, 43, false)).isNotEqualTo(inOrder);
    }

    @Test
    void moreDistinctPeopleThanDaysIsRejectedOnTheFieldTheUserSent() {
        assertThat(check(new BirthdayRequest(10L, 400, 300), new BirthdayRequest(10L, 400, 300)))
                .containsExactly("people: must allow distinct birthdays: people (400) must be at most days (300)");
        assertThat(check(new BirthdayRequest(10L, null, 20), new BirthdayRequest(10L, 23, 20)))
                .as("people left at its default: the field the user sent is days")
                .containsExactly("days: must allow distinct birthdays: people (23) must be at most days (20)");
        assertThat(check(new BirthdayRequest(10L, 23, 365), new BirthdayRequest(10L, 23, 365)))
                .isEmpty();
    }

    private List<String> check(BirthdayRequest given, BirthdayRequest filled) {
        var errors = new ArrayList<String>();
        kind.check(new CrossCheck<>() {
            @Override
            public BirthdayRequest given() {
                return given;
            }

            @Override
            public BirthdayRequest filled() {
                return filled;
            }

            @Override
            public boolean valid(String... fields) {
                return true;
            }

            @Override
            public void reject(String field, String message) {
                errors.add(field + ": " + message);
            }
        });
        return errors;
    }
}
