package io.forkpool.kind;

import io.forkpool.kind.api.Description;
import io.forkpool.kind.api.WorkUnits;
import jakarta.validation.constraints.NotNull;

/** Estimate pi from {@code samples} uniform points of the unit square (the tutorial's exercise). */
public record PiRequest(
        @NotNull @WorkUnits @Description("points drawn in the unit square")
        Long samples) {}
