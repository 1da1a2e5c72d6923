package io.forkpool.kind;

import io.forkpool.kind.api.Description;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** sin x by its first {@code terms} Taylor terms. */
public record SineRequest(
        @NotNull @DecimalMin("-1000") @DecimalMax("1000") @Description("the angle, in radians")
        Double x,

        @NotNull @Min(1) @Max(SineKind.MAX_TERMS) @Description("Taylor terms to add")
        Integer terms) {}
