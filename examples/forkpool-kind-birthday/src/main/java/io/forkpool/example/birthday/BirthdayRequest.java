package io.forkpool.example.birthday;

import io.forkpool.kind.api.Default;
import io.forkpool.kind.api.Description;
import io.forkpool.kind.api.WorkUnits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * The birthday problem: in a room of {@code people}, each born on one of {@code days} equally likely
 * days, how likely is it that two share a birthday? Estimated from {@code trials} simulated rooms.
 *
 * <p>The annotations are the whole of the field rules: forkpool checks them, names a bad field in
 * its 400, fills the defaults, and shows all of it in the kind's JSON Schema.
 */
public record BirthdayRequest(
        @NotNull @WorkUnits @Description("rooms simulated") Long trials,

        @Min(2) @Max(BirthdayKind.MAX_PEOPLE) @Default("23") @Description("people in a room")
        Integer people,

        @Min(1) @Max(BirthdayKind.MAX_DAYS) @Default("365") @Description("days a birthday can fall on")
        Integer days) {}
