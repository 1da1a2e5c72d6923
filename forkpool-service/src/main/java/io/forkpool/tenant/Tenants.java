package io.forkpool.tenant;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The configured tenants ({@link SecuritySettings}): finds a tenant by its key in constant time,
 * and gives the scheduler each tenant's weight. A configuration that cannot be meant (a duplicate
 * key, a weight below 1, a tenant without a key, a key file that cannot be read) fails the start
 * with a message naming the property, never the key.
 */
@Component
public final class Tenants {

    private static final Logger log = LoggerFactory.getLogger(Tenants.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final String PREFIX = "forkpool.security.";

    private final List<Keyed> keyed;
    private final Map<String, Tenant> byName;

    /** A tenant and the SHA-256 digest of its key. */
    private record Keyed(Tenant tenant, byte[] digest) {}

    public Tenants(SecuritySettings settings) {
        var all = new ArrayList<Keyed>();
        var byDigest = new java.util.HashMap<String, String>();
        settings.tenants().forEach((name, p) -> {
            String property = PREFIX + "tenants." + name;
            if (!NAME.matcher(name).matches()) {
                throw new IllegalStateException(property + ": a tenant's name must be 1 to 63 lower-case letters,"
                        + " digits, '-' or '_', starting with a letter or digit");
            }
            if (name.equals(Tenant.DEFAULT_NAME)) {
                // it would own the jobs stored before tenants, the warm-up's, and their Idempotency-Keys
                throw new IllegalStateException(property + ": '" + Tenant.DEFAULT_NAME
                        + "' is the name of the tenant without a key; name it otherwise");
            }
            if (p.weight() < 1) {
                throw new IllegalStateException(property + ".weight must be 1 or more, not " + p.weight());
            }
            if (p.maxJobs() < 0 || p.maxRunningSamples() < 0) {
                throw new IllegalStateException(property + (p.maxJobs() < 0 ? ".max-jobs" : ".max-running-samples")
                        + " must be 0 (no bound) or more");
            }
            String key = key(property, p);
            var tenant = new Tenant(name, p.weight(), p.maxJobs(), p.maxRunningSamples(), p.admin());
            all.add(unique(byDigest, new Keyed(tenant, sha256(key)), property + ".key"));
        });
        for (int i = 0; i < settings.apiKeys().size(); i++) {
            String name = "api-key-" + (i + 1);
            if (settings.tenants().containsKey(name)) {
                throw new IllegalStateException(PREFIX + "tenants." + name + ": the name of the tenant of " + PREFIX
                        + "api-keys[" + i + "]; name it otherwise");
            }
            var tenant = new Tenant(name, 1, 0, 0, false);
            all.add(unique(
                    byDigest, new Keyed(tenant, sha256(settings.apiKeys().get(i))), PREFIX + "api-keys[" + i + "]"));
        }
        this.keyed = List.copyOf(all);
        var names = new LinkedHashMap<String, Tenant>();
        all.forEach(k -> names.put(k.tenant().name(), k.tenant()));
        this.byName = names;
        if (!keyed.isEmpty()) {
            log.info("API keys on: tenants {}; health, Prometheus, Swagger UI and OpenAPI stay open", names.keySet());
        }
    }

    private static Keyed unique(Map<String, String> byDigest, Keyed k, String property) {
        String before = byDigest.putIfAbsent(java.util.HexFormat.of().formatHex(k.digest()), property);
        if (before != null) {
            throw new IllegalStateException(property + " is the same key as " + before + "; every key must differ");
        }
        return k;
    }

    /** The tenant's key, from {@code key} or from {@code key-file}; exactly one of them. */
    private static String key(String property, SecuritySettings.TenantProperties p) {
        if ((p.key() == null) == (p.keyFile() == null)) {
            throw new IllegalStateException(property + ": give exactly one of .key and .key-file");
        }
        String key;
        if (p.key() != null) {
            key = p.key().strip();
        } else {
            try {
                key = Files.readString(p.keyFile(), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalStateException(property + ".key-file: cannot read " + p.keyFile() + " ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
        if (key.isEmpty()) {
            throw new IllegalStateException(property + (p.key() != null ? ".key" : ".key-file") + " is empty");
        }
        return key;
    }

    /** Whether any key is configured (else there is no authentication and one tenant). */
    public boolean keyed() {
        return !keyed.isEmpty();
    }

    /**
     * The tenant whose key {@code presented} is, or null; the time taken does not depend on which
     * key matched, or how close a wrong one came (every digest is compared, without stopping).
     */
    public Tenant withKey(String presented) {
        if (presented == null || presented.isEmpty()) {
            return null;
        }
        byte[] digest = sha256(presented);
        Tenant found = null;
        for (Keyed k : keyed) {
            boolean match = MessageDigest.isEqual(digest, k.digest());
            found = match ? k.tenant() : found;
        }
        return found;
    }

    /** The configured tenants by name ({@link Tenant#DEFAULT} alone without keys). */
    public Map<String, Tenant> byName() {
        return keyed.isEmpty() ? Map.of(Tenant.DEFAULT_NAME, Tenant.DEFAULT) : byName;
    }

    /** A tenant's fair-share weight; 1 for a name not configured (jobs of an earlier configuration). */
    public int weight(String name) {
        Tenant t = byName().get(name);
        return t == null ? 1 : t.weight();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
