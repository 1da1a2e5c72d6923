package io.forkpool.webhook;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Webhooks ({@code forkpool.webhooks.*}).
 *
 * @param secret the HMAC-SHA256 key of every signature; without it no job may ask for a webhook
 * @param allowedHosts the hosts a webhook may go to: a name or address as written (trusted, even
 *     a loopback or private one), or {@code *.example.com} for its subdomains (whose addresses
 *     must then be public)
 * @param defaultUrl posted to for a job without {@code notify}, or null
 * @param initialInterval the wait before the first retry, doubled ({@code multiplier}) up to {@code maxInterval}
 * @param maxElapsed no retry starts later than this after the first attempt
 * @param timeout of one attempt (connect and answer)
 */
@ConfigurationProperties("forkpool.webhooks")
record WebhookSettings(
        String secret,
        @DefaultValue List<String> allowedHosts,
        String defaultUrl,
        @DefaultValue("1s") Duration initialInterval,
        @DefaultValue("2.0") double multiplier,
        @DefaultValue("1m") Duration maxInterval,
        @DefaultValue("15m") Duration maxElapsed,
        @DefaultValue("10s") Duration timeout) {

    boolean signs() {
        return secret != null && !secret.isBlank();
    }

    /** Never the secret, wherever settings are printed. */
    @Override
    public String toString() {
        return "WebhookSettings[secret=" + (signs() ? "(set)" : "(none)") + ", allowedHosts=" + allowedHosts
                + ", defaultUrl=" + defaultUrl + ", initialInterval=" + initialInterval + ", multiplier="
                + multiplier + ", maxInterval=" + maxInterval + ", maxElapsed=" + maxElapsed + ", timeout="
                + timeout + "]";
    }
}
