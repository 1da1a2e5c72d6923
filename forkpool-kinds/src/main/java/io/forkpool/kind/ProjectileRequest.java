package io.forkpool.kind;

import io.forkpool.kind.api.Default;
import io.forkpool.kind.api.Description;
import io.forkpool.kind.api.WorkUnits;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * The spread of a projectile's range when its launch angle and speed are only known to lie in
 * intervals (the tutorial's exercise): a histogram of {@code samples} simulated ranges.
 */
public record ProjectileRequest(
        @NotNull @WorkUnits @Description("simulated launches")
        Long samples,

        @Min(1) @Max(ProjectileKind.MAX_BINS) @Default("20") @Description("histogram bins")
        Integer bins,

        @DecimalMin("0") @DecimalMax("90") @Default("30") @Description("smallest launch angle, degrees")
        Double angleMinDeg,

        @DecimalMin("0") @DecimalMax("90") @Default("31") @Description("largest launch angle, degrees")
        Double angleMaxDeg,

        @DecimalMin(value = "0", inclusive = false)
        @DecimalMax("1000000")
        @Default("99")
        @Description("smallest launch speed, m/s")
        Double speedMin,

        @DecimalMin(value = "0", inclusive = false)
        @DecimalMax("1000000")
        @Default("100")
        @Description("largest launch speed, m/s")
        Double speedMax,

        @DecimalMin(value = "0", inclusive = false) @DecimalMax("1000") @Default("9.81") @Description("gravity, m/s²")
        Double gravity) {}
