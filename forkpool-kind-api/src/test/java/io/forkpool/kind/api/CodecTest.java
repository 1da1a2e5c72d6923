package io.forkpool.kind.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Codec.ofRecord round-trips exactly, and refuses what it cannot encode when it is made. */
class CodecTest {

    enum Colour {
        RED,
        GREEN
    }

    record Inner(int a, String b) {}

    record Everything(
            long l,
            int i,
            double d,
            boolean z,
            Long boxed,
            String s,
            BigDecimal dec,
            long[] longs,
            double[] doubles,
            Colour colour,
            Inner inner,
            List<Long> list,
            List<Inner> inners) {}

    @Test
    void everySupportedComponentRoundTripsBitForBit() {
        var value = new Everything(
                Long.MIN_VALUE,
                -7,
                -0.0,
                true,
                null,
                "é ü",
                new BigDecimal("-1.000000000000000000000000000001"),
                new long[] {1, Long.MAX_VALUE},
                new double[] {Double.NaN, 1e-300},
                Colour.GREEN,
                new Inner(3, null),
                Arrays.asList(1L, null, 3L),
                List.of(new Inner(1, "x")));
        var codec = Codec.ofRecord(Everything.class);
        var back = codec.decode(codec.encode(value));
        assertThat(back.l()).isEqualTo(value.l());
        assertThat(Double.doubleToRawLongBits(back.d())).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(back.boxed()).isNull();
        assertThat(back.s()).isEqualTo("é ü");
        assertThat(back.dec()).isEqualTo(value.dec()).hasScaleOf(value.dec().scale());
        assertThat(back.longs()).containsExactly(value.longs());
        assertThat(Double.isNaN(back.doubles()[0])).isTrue();
        assertThat(back.colour()).isEqualTo(Colour.GREEN);
        assertThat(back.inner()).isEqualTo(value.inner());
        assertThat(back.list()).as("null elements kept").containsExactly(1L, null, 3L);
        assertThat(back.inners()).isEqualTo(value.inners());
    }

    record Unsupported(java.util.Map<String, Long> weights) {}

    @Test
    void aComponentItCannotEncodeIsNamedWhenTheCodecIsMade() {
        assertThatThrownBy(() -> Codec.ofRecord(Unsupported.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weights");
    }

    @Test
    void strayOrMissingBytesAreRefused() {
        var codec = Codec.ofRecord(Inner.class);
        byte[] bytes = codec.encode(new Inner(1, "x"));
        assertThatThrownBy(() -> codec.decode(Arrays.copyOf(bytes, bytes.length + 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.decode(Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
