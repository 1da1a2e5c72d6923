package io.forkpool.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CompilerQuietTest {

    static final long MS = 1_000_000;
    final ReadinessSettings settings = new ReadinessSettings(Duration.ofMillis(500), Duration.ofSeconds(5));

    @Test
    void nothingCountsBeforeThePoolIsReady() {
        var quiet = new CompilerQuiet(settings);
        for (long t = 0; t <= 10_000; t += 50) {
            assertThat(quiet.offer(t * MS, 100, false)).as("at %d ms", t).isFalse();
        }
    }

    @Test
    void quietOnceTheCompileTimeHasBeenFlatForAWindowAfterThePoolIsReady() {
        var quiet = new CompilerQuiet(settings);
        long compile = 1000;
        long t = 0;
        for (; t < 2000; t += 50) { // busy: 60 ms of compiling (two compiler threads) every 50 ms
            compile += 60;
            assertThat(quiet.offer(t * MS, compile, t >= 1000))
                    .as("busy at %d ms", t)
                    .isFalse();
        }
        long lastBusy = t - 50;
        for (; t < lastBusy + 500; t += 50) {
            assertThat(quiet.offer(t * MS, compile + 1, true))
                    .as("flat for %d ms only", t - lastBusy)
                    .isFalse();
        }
        // a window with a few ms of compiling (under a tenth of it): quiet
        assertThat(quiet.offer(t * MS, compile + 3, true))
                .as("flat for %d ms", t - lastBusy)
                .isTrue();
        assertThat(quiet.capped()).isFalse();
        // it stays quiet, whatever comes after
        assertThat(quiet.offer((t + 50) * MS, compile + 10_000, false)).isTrue();
    }

    @Test
    void aCompilerThatNeverRestsIsWaitedForAtMostQuietMaxAfterThePoolIsReady() {
        var quiet = new CompilerQuiet(settings);
        long compile = 0;
        long readyAt = 700;
        long t = 0;
        for (; !quiet.offer(t * MS, compile += 60, t >= readyAt); t += 50) {
            assertThat(t).as("bounded").isLessThan(60_000);
        }
        assertThat(t - readyAt).isBetween(5000L, 5050L);
        assertThat(quiet.capped()).isTrue();
    }

    @Test
    void aQuietMaxOfZeroTurnsTheWaitOff() {
        var quiet = new CompilerQuiet(new ReadinessSettings(Duration.ofMillis(500), Duration.ZERO));
        assertThat(quiet.quiet()).isTrue();
        assertThat(quiet.offer(0, 0, false)).isTrue();
    }
}
