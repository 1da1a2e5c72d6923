package io.forkpool.kind;

import io.forkpool.kind.api.Default;
import io.forkpool.kind.api.Description;
import io.forkpool.kind.api.WorkUnits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** Roll a fair die with {@code faces} faces {@code rolls} times. */
public record DiceRequest(
        @NotNull @WorkUnits @Description("rolls of the die") Long rolls,

        @Min(2) @Max(DiceKind.MAX_FACES) @Default("6") @Description("faces of the die")
        Integer faces) {}
