package io.forkpool.tenant;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code forkpool.security.*}: who may call the API. Unknown properties fail the start (a
 * misspelt {@code forkpool.security.tenants.alice.wieght} must not leave alice at weight 1).
 *
 * @param apiKeys keys accepted in {@code X-API-Key} or {@code Authorization: Bearer}, each a tenant
 *     of weight 1 named {@code api-key-1}, {@code api-key-2}, ... in order; blank entries are ignored
 * @param tenants named tenants, by name; with neither (the default) there is no authentication and
 *     one tenant, {@code default}, for local use
 */
@ConfigurationProperties(prefix = "forkpool.security", ignoreUnknownFields = false)
public record SecuritySettings(
        @DefaultValue List<String> apiKeys, @DefaultValue Map<String, TenantProperties> tenants) {

    public SecuritySettings {
        apiKeys = apiKeys == null
                ? List.of()
                : apiKeys.stream()
                        .filter(k -> k != null && !k.isBlank())
                        .map(String::strip)
                        .toList();
        tenants = tenants == null ? Map.of() : new TreeMap<>(tenants);
    }

    /** True when at least one key is configured. */
    public boolean enabled() {
        return !apiKeys.isEmpty() || !tenants.isEmpty();
    }

    /**
     * {@code forkpool.security.tenants.NAME.*}: one tenant.
     *
     * @param key its API key (or {@code keyFile})
     * @param keyFile a file holding its key (a Kubernetes Secret mounted as a file); surrounding
     *     white space is ignored
     * @param weight its share of the workers while others have shards waiting too (1 or more)
     * @param maxJobs its jobs queued or running at once before POST gets 429 (0: only the global bound)
     * @param maxRunningSamples its work units (samples, rolls, terms) in unfinished jobs before POST
     *     gets 429 (0: no bound)
     * @param admin whether it sees and acts on every tenant's jobs
     */
    public record TenantProperties(
            String key,
            Path keyFile,
            @DefaultValue("1") int weight,
            @DefaultValue("0") int maxJobs,
            @DefaultValue("0") long maxRunningSamples,
            @DefaultValue("false") boolean admin) {}
}
