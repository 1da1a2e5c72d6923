package io.forkpool.kind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.forkpool.web.Api;
import io.forkpool.web.ForkpoolServiceTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every built-in kind through real HTTP, computed by the real worker processes, against values known
 * independently (analytic ranges, exact sums, distributions with tolerances derived from them, on
 * fixed seeds).
 */
@ForkpoolServiceTest
class KindsEndToEndTest {

    final Api api;

    KindsEndToEndTest(Api api) {
        this.api = api;
    }

    @Test
    void piEstimateIsWithinFiveStandardErrorsOfPi() {
        JsonNode job = api.runToSuccess("{\"type\":\"pi\",\"samples\":10000000,\"seed\":11}");
        assertThat(job.path("type").asString()).isEqualTo("pi");
        JsonNode r = job.path("result");
        double estimate = r.path("estimate").doubleValue();
        double stdError = r.path("stdError").doubleValue();
        long inside = r.path("inside").longValue();
        long samples = r.path("samples").longValue();

        assertThat(samples).isEqualTo(10_000_000L);
        assertThat(estimate).isEqualTo(4.0 * inside / samples);
        double p = (double) inside / samples;
        assertThat(stdError).isCloseTo(4 * Math.sqrt(p * (1 - p) / samples), within(1e-12));
        // About 5.2e-4 for 10^7 samples: a wrong formula (no sqrt, no 4, n instead of √n) is far off.
        assertThat(stdError).isBetween(4e-4, 6e-4);
        assertThat(Math.abs(estimate - Math.PI))
                .as("|estimate - pi| in stdErrors")
                .isLessThan(5 * stdError);
        JsonNode ci = r.path("ci95");
        assertThat(ci.size()).isEqualTo(2);
        assertThat(ci.get(0).doubleValue()).isLessThan(estimate);
        assertThat(ci.get(1).doubleValue()).isGreaterThan(estimate);
        assertThat(ci.get(1).doubleValue() - ci.get(0).doubleValue())
                .isCloseTo(2 * 1.959963984540054 * stdError, within(1e-9));

        assertThat(job.path("progress").path("shardsDone").intValue())
                .isEqualTo(job.path("progress").path("shardsTotal").intValue())
                .isPositive();
        assertThat(job.path("submittedAt").isString()).isTrue();
        assertThat(job.path("startedAt").isString()).isTrue();
        assertThat(job.path("finishedAt").isString()).isTrue();
        assertThat(job.path("timings").path("runSeconds").doubleValue()).isGreaterThan(0);
        assertThat(job.path("timings").path("computeSeconds").doubleValue()).isGreaterThan(0);
    }

    @Test
    void projectileWithDefaultsBinsTheAnalyticRange() {
        long samples = 200_000;
        JsonNode job = api.runToSuccess("{\"type\":\"projectile\",\"samples\":" + samples + ",\"seed\":12}");
        JsonNode r = job.path("result");
        JsonNode bins = r.path("bins");
        assertThat(bins.size()).isEqualTo(20);
        // range = v² sin 2θ / g: min at (99 m/s, 30°), max at (100 m/s, 31°), g = 9.81
        double min = 99.0 * 99.0 * Math.sin(Math.toRadians(60)) / 9.81;
        double max = 100.0 * 100.0 * Math.sin(Math.toRadians(62)) / 9.81;
        assertThat(min).isCloseTo(865.23, within(0.01));
        assertThat(max).isCloseTo(900.05, within(0.01));
        assertThat(bins.get(0).path("from").doubleValue()).isCloseTo(min, within(1e-6));
        assertThat(bins.get(19).path("to").doubleValue()).isCloseTo(max, within(1e-6));
        assertThat(r.path("minRange").doubleValue()).isCloseTo(min, within(1e-6));
        assertThat(r.path("maxRange").doubleValue()).isCloseTo(max, within(1e-6));
        assertThat(r.path("samples").longValue()).isEqualTo(samples);

        long sum = 0;
        double width = (max - min) / 20;
        for (int i = 0; i < 20; i++) {
            JsonNode bin = bins.get(i);
            assertThat(bin.path("to").doubleValue() - bin.path("from").doubleValue())
                    .as("width of bin %d", i)
                    .isCloseTo(width, within(1e-6));
            if (i > 0) {
                assertThat(bin.path("from").doubleValue())
                        .isEqualTo(bins.get(i - 1).path("to").doubleValue());
            }
            long count = bin.path("count").longValue();
            assertThat(count).as("count of bin %d", i).isNotNegative();
            sum += count;
        }
        assertThat(sum).isEqualTo(samples);
        // Ranges spread over the whole interval: neither end is empty, no bin holds nearly all.
        assertThat(bins.get(0).path("count").longValue()).isPositive();
        assertThat(bins.get(19).path("count").longValue()).isPositive();
        for (JsonNode bin : bins) {
            assertThat(bin.path("count").longValue()).isLessThan(samples / 4);
        }
    }

    @Test
    void diceCountsSumToRollsAndLookFair() {
        long rolls = 600_000;
        JsonNode r = api.runToSuccess("{\"type\":\"dice\",\"rolls\":" + rolls + ",\"faces\":6,\"seed\":13}")
                .path("result");
        JsonNode counts = r.path("counts");
        JsonNode frequencies = r.path("frequencies");
        assertThat(counts.size()).isEqualTo(6);
        assertThat(frequencies.size()).isEqualTo(6);
        long sum = 0;
        double chiSquare = 0;
        double expected = rolls / 6.0;
        double sd = Math.sqrt(rolls * (1 / 6.0) * (5 / 6.0));
        for (int face = 0; face < 6; face++) {
            long count = counts.get(face).longValue();
            sum += count;
            assertThat((double) count).as("count of face %d", face).isCloseTo(expected, within(6 * sd));
            assertThat(frequencies.get(face).doubleValue()).isCloseTo((double) count / rolls, within(1e-15));
            chiSquare += (count - expected) * (count - expected) / expected;
        }
        assertThat(sum).isEqualTo(rolls);
        assertThat(r.path("chiSquare").doubleValue()).isCloseTo(chiSquare, within(1e-9));
        assertThat(r.path("pValue").doubleValue()).isGreaterThan(1e-6).isLessThanOrEqualTo(1.0);
    }

    @Test
    void sineIsThePartialTaylorSum() {
        JsonNode small =
                api.runToSuccess("{\"type\":\"sine\",\"x\":0.5,\"terms\":3}").path("result");
        // 0.5 - 0.5³/3! + 0.5⁵/5!
        assertThat(small.path("approximation").doubleValue()).isEqualTo(0.47942708333333334);
        assertThat(small.path("exact").doubleValue()).isEqualTo(Math.sin(0.5));
        assertThat(small.path("absError").doubleValue())
                .isCloseTo(Math.abs(0.47942708333333334 - Math.sin(0.5)), within(1e-17));
        assertThat(small.path("terms").intValue()).isEqualTo(3);

        JsonNode pi = api.runToSuccess("{\"type\":\"sine\",\"x\":" + Math.PI + ",\"terms\":5}")
                .path("result");
        assertThat(pi.path("approximation").doubleValue()).isEqualTo(0.006925270707504924);

        // 100 terms over 13 shards; the terms reach 30^29/29! ≈ 7e11, so a plain double sum loses
        // about 1e-4: only a sum exact enough gets within 1e-9 of sin 30.
        JsonNode large =
                api.runToSuccess("{\"type\":\"sine\",\"x\":30,\"terms\":100}").path("result");
        assertThat(large.path("approximation").doubleValue()).isCloseTo(Math.sin(30), within(1e-9));
        assertThat(large.path("exact").doubleValue()).isEqualTo(Math.sin(30));
        assertThat(large.path("absError").doubleValue()).isLessThan(1e-9);
    }

    @Test
    void smallestMultipleFindsTheFactorOrNothing() {
        JsonNode seven = api.runToSuccess(
                        "{\"type\":\"smallest-multiple\",\"samples\":100000,\"factor\":7,\"seed\":14}")
                .path("result");
        // P(7 never drawn from [1, 1000) in 10^5 draws) = (998/999)^100000 ≈ e^-100
        assertThat(seven.path("smallest").isNumber()).as(seven.toString()).isTrue();
        assertThat(seven.path("smallest").longValue()).isEqualTo(7);
        // 142 multiples of 7 in [1, 999]: about 100000·142/999 = 14214 draws, sd ≈ 110
        assertThat(seven.path("multiples").longValue()).isBetween(14_214L - 800, 14_214L + 800);

        JsonNode none = api.runToSuccess(
                        "{\"type\":\"smallest-multiple\",\"samples\":100000,\"factor\":5000,\"high\":1000}")
                .path("result");
        assertThat(none.has("smallest"))
                .as("smallest is present, as null: %s", none)
                .isTrue();
        assertThat(none.path("smallest").isNull()).as(none.toString()).isTrue();
        assertThat(none.path("multiples").longValue()).isZero();
    }
}
