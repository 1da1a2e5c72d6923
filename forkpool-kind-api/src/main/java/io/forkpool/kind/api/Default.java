package io.forkpool.kind.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The value an absent request field takes, written as in JSON ({@code "6"}, {@code "9.81"},
 * {@code "true"}, {@code "text"}). forkpool fills it in before {@link JobKind#check} and the kernel
 * run, shows it in the request's JSON Schema, and echoes it in the job's request.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
public @interface Default {

    String value();
}
