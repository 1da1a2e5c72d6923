package io.forkpool.kind;

import io.forkpool.kind.api.Default;
import io.forkpool.kind.api.Description;
import io.forkpool.kind.api.WorkUnits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** Draw {@code samples} uniform integers in [low, high) and find the smallest multiple of {@code factor}. */
public record SmallestMultipleRequest(
        @NotNull @WorkUnits @Description("integers drawn") Long samples,

        @NotNull @Min(1) @Max(SmallestMultipleKind.MAX_FACTOR) @Description("the number whose multiples count")
        Long factor,

        @Min(1) @Max(SmallestMultipleKind.MAX_HIGH - 1) @Default("1") @Description("smallest integer drawn")
        Long low,

        @Min(2)
        @Max(SmallestMultipleKind.MAX_HIGH)
        @Default("1000")
        @Description("integers are drawn below it (exclusive, like numpy's randint)")
        Long high) {}
