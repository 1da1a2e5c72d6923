package io.forkpool.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** When a worker counts as slow against the other workers on the same work. */
class ComputeRatesTest {

    static final long MS = 1_000_000;
    static final List<String> POOL = List.of("a", "b", "c");

    /** 10% slower, windows of 4 shards, judged after 6, shards of 5 ms and more. */
    final ComputeRates<String> rates = new ComputeRates<>(0.10, 4, 6, 5 * MS);

    /** {@code worker} computes 1,000 units of {@code work} in {@code millis}; true if that shows it slow. */
    boolean shard(String worker, String work, long millis) {
        return rates.slow(worker, work, 1_000, millis * MS, POOL);
    }

    /** a and b each run 4 shards of 100 ms (10 units/ms): a full window each. */
    void peersAtTenUnitsPerMs(String work) {
        for (int i = 0; i < 4; i++) {
            shard("a", work, 100);
            shard("b", work, 100);
        }
    }

    @Test
    void aWorkerMoreThanTenPercentUnderItsPeersIsSlowOnceJudged() {
        peersAtTenUnitsPerMs("pi");
        for (int i = 1; i <= 5; i++) {
            assertThat(shard("c", "pi", 125)).as("shard %d: not judged yet", i).isFalse();
        }
        assertThat(rates.relative("c")).isCloseTo(0.8, Offset.offset(1e-9));
        assertThat(shard("c", "pi", 125))
                .as("the sixth: judged, 0.8 of its peers")
                .isTrue();
        assertThat(shard("c", "pi", 125)).as("it starts again from nothing").isFalse();
    }

    @Test
    void withinTenPercentIsNeverSlow() {
        peersAtTenUnitsPerMs("pi");
        for (int i = 0; i < 50; i++) {
            // 1,000 units in 110 ms: 0.909 of the others' rate
            assertThat(shard("c", "pi", 110)).isFalse();
        }
    }

    @Test
    void aFewSlowShardsInAWindowDoNotMakeItSlow() {
        peersAtTenUnitsPerMs("pi");
        for (int i = 0; i < 50; i++) {
            // one shard in four waited (3x as long): the window's median is the other three
            assertThat(shard("c", "pi", i % 4 == 0 ? 300 : 100))
                    .as("shard %d", i)
                    .isFalse();
        }
        // two of four: the median is halfway between a slow and a fast one (6.7 units/ms), under 9
        boolean slow = false;
        for (int i = 0; i < 8 && !slow; i++) {
            slow = shard("c", "pi", i % 2 == 0 ? 300 : 100);
        }
        assertThat(slow).as("half its shards three times as slow").isTrue();
    }

    @Test
    void theYardstickIsThePeersMedianAndOnlyFullWindowsCount() {
        var four = List.of("a", "b", "c", "d");
        for (int i = 0; i < 4; i++) {
            rates.slow("a", "pi", 1_000, 100 * MS, four);
            rates.slow("b", "pi", 1_000, 100 * MS, four);
            rates.slow("c", "pi", 1_000, 1_000 * MS, four); // one very slow peer: 1 unit/ms
        }
        // peers at 10, 10 and 1 units/ms: median 10 (their mean, 7, would make 8.3 look fast)
        boolean slow = false;
        for (int i = 0; i < 6; i++) {
            slow = rates.slow("d", "pi", 1_000, 120 * MS, four);
        }
        assertThat(slow).as("8.3 units/ms against a median of 10").isTrue();
    }

    @Test
    void worksAreComparedOnlyWithThemselves() {
        peersAtTenUnitsPerMs("pi n=1");
        for (int i = 0; i < 20; i++) {
            assertThat(shard("c", "pi n=2", 200))
                    .as("no peer has run this work")
                    .isFalse();
        }
        assertThat(rates.relative("c")).isNull();
    }

    @Test
    void shortShardsAndWorkersThatLeftDoNotCount() {
        peersAtTenUnitsPerMs("pi");
        for (int i = 0; i < 20; i++) {
            assertThat(shard("c", "pi", 4)).as("under 5 ms: not measured").isFalse();
        }
        assertThat(rates.relative("c")).isNull();
        rates.forget("a");
        rates.forget("b");
        for (int i = 0; i < 20; i++) {
            assertThat(shard("c", "pi", 500)).as("its peers are gone").isFalse();
        }
        peersAtTenUnitsPerMs("pi");
        for (int i = 0; i < 20; i++) {
            assertThat(rates.slow("c", "pi", 1_000, 500 * MS, List.of("c")))
                    .as("a and b are not in the pool now")
                    .isFalse();
        }
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new ComputeRates<String>(0, 4, 6, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ComputeRates<String>(0.1, 4, 3, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ComputeRates.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(ComputeRates.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
    }
}
