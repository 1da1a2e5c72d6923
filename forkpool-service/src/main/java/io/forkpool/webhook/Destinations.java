package io.forkpool.webhook;

import io.forkpool.job.NotifyTargets;
import io.forkpool.plugin.FieldError;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Where a webhook may go: http(s) to a host of {@code forkpool.webhooks.allowed-hosts}. A host
 * listed as written is trusted; one allowed by a {@code *.domain} entry must resolve to public
 * addresses only (no loopback, private, link-local or wildcard address), so a name cannot be
 * pointed at the service's own network.
 */
@Component
class Destinations implements NotifyTargets {

    static final String FIELD = "notify.url";

    private final WebhookSettings settings;

    Destinations(WebhookSettings settings) {
        this.settings = settings;
        if (settings.defaultUrl() != null && !settings.defaultUrl().isBlank()) {
            String problem = problem(settings.defaultUrl());
            if (problem != null) {
                throw new IllegalStateException("forkpool.webhooks.default-url " + problem);
            }
        }
    }

    @Override
    public String check(JsonNode notify, List<FieldError> errors) {
        if (notify == null) {
            String fallback = settings.defaultUrl();
            return fallback == null || fallback.isBlank() ? null : fallback;
        }
        if (notify.isNull()) {
            return null;
        }
        JsonNode url = notify.isObject() ? notify.get("url") : null;
        if (url == null || !url.isString()) {
            errors.add(new FieldError(FIELD, "notify must be an object with a url (a string)"));
            return null;
        }
        for (String name : notify.propertyNames()) {
            if (!name.equals("url")) {
                errors.add(new FieldError("notify." + name, "is not a field of notify"));
            }
        }
        String problem = problem(url.asString());
        if (problem != null) {
            errors.add(new FieldError(FIELD, problem));
            return null;
        }
        return url.asString();
    }

    /** Why {@code url} may not be posted to, or null if it may. */
    private String problem(String url) {
        if (!settings.signs()) {
            return "cannot be used: this service has no forkpool.webhooks.secret to sign with";
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "must be an http or https URL";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getUserInfo() != null) {
            return "must be an http or https URL with a host (and no user info)";
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        for (String allowed : settings.allowedHosts()) {
            if (allowed.equalsIgnoreCase(host)) {
                return null; // listed as written: trusted
            }
        }
        boolean matched = false;
        for (String allowed : settings.allowedHosts()) {
            String a = allowed.toLowerCase(Locale.ROOT);
            if (a.startsWith("*.") && host.endsWith(a.substring(1))) {
                matched = true;
            }
        }
        if (!matched) {
            return "host " + host + " is not allowed (forkpool.webhooks.allowed-hosts)";
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (internal(address)) {
                    return "host " + host + " resolves to a loopback, private or link-local address ("
                            + address.getHostAddress() + ")";
                }
            }
        } catch (UnknownHostException e) {
            return "host " + host + " cannot be resolved";
        }
        return null;
    }

    static boolean internal(InetAddress a) {
        byte[] b = a.getAddress();
        boolean uniqueLocal6 = b.length == 16 && (b[0] & 0xfe) == 0xfc; // fc00::/7
        boolean sharedSpace = b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64; // 100.64/10
        return a.isLoopbackAddress()
                || a.isAnyLocalAddress()
                || a.isSiteLocalAddress()
                || a.isLinkLocalAddress()
                || a.isMulticastAddress()
                || uniqueLocal6
                || sharedSpace;
    }
}
