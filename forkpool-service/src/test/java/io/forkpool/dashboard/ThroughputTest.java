package io.forkpool.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.metrics.ForkpoolMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The overview's rates, from the contract's own meters, one value a second. */
class ThroughputTest {

    @Test
    void ratesAreTheMetersIncreasePerSecondSpreadOverMissedSeconds() {
        var registry = new SimpleMeterRegistry();
        var metrics = new ForkpoolMetrics(registry);
        var throughput = new Throughput(registry);
        throughput.destroy(); // this test samples by hand
        Instant t = Instant.parse("2026-01-01T00:00:10Z");

        throughput.sample(t);
        metrics.shardComputed("pi", "default", 1_000, 3_000);
        metrics.shardComputed("dice", "bob", 1_000, 1_000);
        metrics.jobFinished("pi", "SUCCEEDED", "default", Duration.ofMillis(5));
        throughput.sample(t.plusSeconds(1));
        metrics.shardComputed("pi", "default", 1_000, 6_000);
        metrics.jobFinished("pi", "SUCCEEDED", "default", Duration.ofMillis(5));
        metrics.jobFinished("dice", "FAILED", "bob", Duration.ofMillis(5));
        throughput.sample(t.plusSeconds(4)); // three seconds without a reading

        var rates = throughput.rates();
        int n = Throughput.SECONDS;
        assertThat(rates.from()).isEqualTo(t.plusSeconds(4).minusSeconds(n - 1));
        assertThat(rates.samplesPerSecond()).hasSize(n);
        assertThat(Arrays.copyOfRange(rates.samplesPerSecond(), n - 4, n)).containsExactly(4_000, 2_000, 2_000, 2_000);
        assertThat(Arrays.copyOfRange(rates.jobsPerSecond(), n - 4, n)).containsExactly(1, 2 / 3.0, 2 / 3.0, 2 / 3.0);
        assertThat(Arrays.copyOfRange(rates.jobsPerSecond(), 0, n - 4)).containsOnly(0.0);
    }

    @Test
    void whenTheMetersStartAgainTheHistoryStartsAgainAndNoRateIsNegative() {
        var registry = new SimpleMeterRegistry();
        var metrics = new ForkpoolMetrics(registry);
        var throughput = new Throughput(registry);
        throughput.destroy();
        Instant t = Instant.parse("2026-01-01T00:00:10Z");
        throughput.sample(t);
        metrics.shardComputed("pi", "default", 1_000, 9_000);
        metrics.jobFinished("pi", "SUCCEEDED", "default", Duration.ofMillis(5));
        throughput.sample(t.plusSeconds(1));
        metrics.startCountingNow(); // the warm-up's end
        throughput.sample(t.plusSeconds(2));
        metrics.shardComputed("pi", "default", 1_000, 500);
        throughput.sample(t.plusSeconds(3));

        var rates = throughput.rates();
        int n = Throughput.SECONDS;
        assertThat(rates.samplesPerSecond()[n - 1]).isEqualTo(500);
        assertThat(Arrays.copyOfRange(rates.samplesPerSecond(), 0, n - 1)).containsOnly(0.0);
        assertThat(rates.jobsPerSecond()).containsOnly(0.0);
    }
}
