package io.forkpool.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** When a worker counts as slow against the other workers on the same work. */
class ComputeRatesTest {

    static final long MS = 1_000_000;
    static final List<String> POOL = List.of("a", "b", "c");

    /** 10% slower, 3 shards in a row, shards of 20 ms and more. */
    final ComputeRates<String> rates = new ComputeRates<>(0.10, 3, 20 * MS);

    /** {@code worker} computes 1,000 units of {@code work} in {@code millis}. */
    boolean shard(String worker, String work, long millis) {
        return rates.slow(worker, work, 1_000, millis * MS, POOL);
    }

    @Test
    void threeShardsInARowMoreThanTenPercentUnderTheOthersMedianMakeAWorkerSlow() {
        shard("a", "pi", 100);
        shard("b", "pi", 100);
        assertThat(shard("c", "pi", 125)).as("first slow shard").isFalse();
        assertThat(shard("c", "pi", 125)).as("second").isFalse();
        assertThat(shard("c", "pi", 125)).as("third in a row").isTrue();
        assertThat(rates.relative("c")).isCloseTo(0.8, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(shard("c", "pi", 125)).as("its count starts again").isFalse();
    }

    @Test
    void withinTenPercentIsNotSlowAndOneFastShardBreaksTheRun() {
        shard("a", "pi", 100);
        shard("b", "pi", 100);
        for (int i = 0; i < 10; i++) {
            // 1,000 units in 110 ms: 0.909 of the others' rate, not more than 10% under it
            assertThat(shard("c", "pi", 110)).isFalse();
        }
        assertThat(shard("c", "pi", 150)).isFalse();
        assertThat(shard("c", "pi", 150)).isFalse();
        assertThat(shard("c", "pi", 100))
                .as("as fast as the others: the run is broken")
                .isFalse();
        assertThat(shard("c", "pi", 150)).isFalse();
        assertThat(shard("c", "pi", 150)).isFalse();
        assertThat(shard("c", "pi", 150)).isTrue();
    }

    @Test
    void theMedianOfThePeersNotTheirMeanIsTheYardstick() {
        // peers at 10, 10 and 1 units/ms: median 10 (their mean, 7, would make 8.3 units/ms look fast)
        var four = List.of("a", "b", "c", "d");
        rates.slow("a", "pi", 1_000, 100 * MS, four);
        rates.slow("b", "pi", 1_000, 100 * MS, four);
        rates.slow("c", "pi", 1_000, 1_000 * MS, four);
        for (int i = 0; i < 2; i++) {
            assertThat(rates.slow("d", "pi", 1_000, 120 * MS, four)).isFalse();
        }
        assertThat(rates.slow("d", "pi", 1_000, 120 * MS, four))
                .as("8.3 units/ms against a median of 10")
                .isTrue();
    }

    @Test
    void worksAreComparedOnlyWithThemselves() {
        shard("a", "pi n=1", 100);
        shard("b", "pi n=1", 100);
        for (int i = 0; i < 5; i++) {
            assertThat(shard("c", "pi n=2", 200))
                    .as("no peer has run this work")
                    .isFalse();
        }
        assertThat(rates.relative("c")).isNull();
    }

    @Test
    void shortShardsAndWorkersThatLeftDoNotCount() {
        shard("a", "pi", 100);
        for (int i = 0; i < 5; i++) {
            assertThat(shard("c", "pi", 19)).as("under 20 ms: not measured").isFalse();
        }
        rates.forget("a");
        for (int i = 0; i < 5; i++) {
            assertThat(shard("c", "pi", 500)).as("a is gone, b has no rate").isFalse();
        }
        // a peer outside the pool now is not a peer
        rates.slow("x", "pi", 1_000, 100 * MS, List.of("x"));
        for (int i = 0; i < 5; i++) {
            assertThat(rates.slow("c", "pi", 1_000, 500 * MS, List.of("c"))).isFalse();
        }
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new ComputeRates<String>(0, 3, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ComputeRates<String>(0.1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ComputeRates.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(ComputeRates.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
    }
}
