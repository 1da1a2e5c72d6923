package io.forkpool.catalog;

import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import io.forkpool.plugin.KindRegistry;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * The name of an installed job kind ({@code GET /api/v1/kinds}), exactly; null is valid. Checked
 * against the {@link KindRegistry} bean, so kinds installed as plugins count.
 */
@Target(PARAMETER)
@Retention(RUNTIME)
@Constraint(validatedBy = InstalledKind.Check.class)
public @interface InstalledKind {

    String message() default "must be one of the installed kinds";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Made by Spring's validator factory, which injects the registry. */
    class Check implements ConstraintValidator<InstalledKind, String> {

        private final KindRegistry kinds;

        Check(KindRegistry kinds) {
            this.kinds = kinds;
        }

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null || kinds.find(value).isPresent()) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            // a message template: a kind's name must not be read as an expression
            String names = kinds.names().toString().replaceAll("([\\\\{}$])", "\\\\$1");
            context.buildConstraintViolationWithTemplate("must be one of " + names)
                    .addConstraintViolation();
            return false;
        }
    }
}
