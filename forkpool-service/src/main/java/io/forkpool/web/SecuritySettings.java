package io.forkpool.web;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code forkpool.security.*}: who may call the API.
 *
 * @param apiKeys keys accepted in {@code X-API-Key} or {@code Authorization: Bearer}; empty (the
 *     default) means no authentication, for local use. Blank entries are ignored.
 */
@ConfigurationProperties("forkpool.security")
public record SecuritySettings(@DefaultValue List<String> apiKeys) {

    public SecuritySettings {
        apiKeys = apiKeys == null
                ? List.of()
                : apiKeys.stream()
                        .filter(k -> k != null && !k.isBlank())
                        .map(String::strip)
                        .toList();
    }

    /** True when at least one key is configured. */
    public boolean enabled() {
        return !apiKeys.isEmpty();
    }
}
