package io.forkpool.job;

import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The name of a {@link JobStatus}, in any case; null (no filter) is valid. */
@Target(PARAMETER)
@Retention(RUNTIME)
@Constraint(validatedBy = StatusName.Check.class)
@interface StatusName {

    String message() default "must be one of the job statuses";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<StatusName, String> {

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null
                    || Arrays.stream(JobStatus.values())
                            .anyMatch(s -> s.name().equals(value.toUpperCase(Locale.ROOT)))) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate("must be one of " + List.of(JobStatus.values()))
                    .addConstraintViolation();
            return false;
        }
    }
}
