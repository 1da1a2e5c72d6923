package io.forkpool.tenant;

import java.util.stream.Collectors;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * A start that fails on an unknown property under {@code forkpool.security} (a misspelt
 * {@code tenants.alice.kye}) names the property but never its value, which may be a key: Spring
 * Boot's own analysis of unbound properties prints each one's value. Registered in
 * META-INF/spring.factories, ahead of Boot's.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
final class UnknownSecurityPropertyAnalyzer extends AbstractFailureAnalyzer<UnboundConfigurationPropertiesException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnboundConfigurationPropertiesException cause) {
        var security = cause.getUnboundProperties().stream()
                .map(ConfigurationProperty::getName)
                .filter(name -> name.toString().startsWith("forkpool.security."))
                .map(Object::toString)
                .sorted()
                .collect(Collectors.joining(", "));
        if (security.isEmpty()) {
            return null; // not ours: Spring Boot's analysis says it
        }
        return new FailureAnalysis(
                "Unknown properties under forkpool.security: " + security
                        + " (their values are not shown: they may be keys)",
                "Check their names. A tenant takes key, key-file, weight, max-jobs, max-running-samples and admin;"
                        + " forkpool.security also takes api-keys.",
                cause);
    }
}
