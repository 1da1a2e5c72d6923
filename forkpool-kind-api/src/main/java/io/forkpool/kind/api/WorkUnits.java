package io.forkpool.kind.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the whole-number field that sets the job's size (samples, rolls): forkpool bounds it to
 * 1..{@code forkpool.limits.max-samples}, the operator's limit, and says so in the schema. Put it
 * on at most one field, of type {@code Long} or {@code long}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
public @interface WorkUnits {}
