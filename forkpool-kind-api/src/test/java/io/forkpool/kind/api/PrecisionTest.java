package io.forkpool.kind.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrecisionTest {

    record Estimate(double stdError, double effectiveSamples) {}

    private final Precision<Estimate> stdError = Precision.lowerIsBetter("stdError", "se", Estimate::stdError);
    private final Precision<Estimate> effective =
            new Precision<>("effectiveSamples", "ess", Estimate::effectiveSamples, Precision.Better.HIGHER);

    @Test
    void aLowerIsBetterMeasureIsMetAtOrBelowItsTarget() {
        assertThat(stdError.met(new Estimate(1e-6, 0), 1e-6)).isTrue();
        assertThat(stdError.met(new Estimate(0.9e-6, 0), 1e-6)).isTrue();
        assertThat(stdError.met(new Estimate(1.1e-6, 0), 1e-6)).isFalse();
    }

    @Test
    void aHigherIsBetterMeasureIsMetAtOrAboveItsTarget() {
        assertThat(effective.met(new Estimate(0, 1000), 1000)).isTrue();
        assertThat(effective.met(new Estimate(0, 999), 1000)).isFalse();
    }

    @Test
    void nanNeverMeetsATarget() {
        assertThat(stdError.met(new Estimate(Double.NaN, 0), 1)).isFalse();
        assertThat(effective.met(new Estimate(0, Double.NaN), 0)).isFalse();
    }

    @Test
    void kindsDeclareNoneAndNoPartialResultsByDefault() {
        JobKind<Estimate, Long, Estimate> kind = new JobKind<>() {
            public String name() {
                return "k";
            }

            public String description() {
                return "k";
            }

            public Class<Estimate> requestType() {
                return Estimate.class;
            }

            public Class<Estimate> resultType() {
                return Estimate.class;
            }

            public Estimate example() {
                return new Estimate(0, 0);
            }

            public Layout layout(Estimate r) {
                return new Layout(1, 1, 1);
            }

            public Long compute(Estimate r, Shard s) {
                return 0L;
            }

            public Codec<Long> partialCodec() {
                return null;
            }

            public Long merge(Long a, Long b) {
                return a + b;
            }

            public Estimate finish(Estimate r, Long m) {
                return r;
            }
        };
        assertThat(kind.partialResults()).isFalse();
        assertThat(kind.precisionFields()).isEmpty();
    }
}
