package io.forkpool.web;

import io.forkpool.tenant.Tenant;
import io.forkpool.tenant.Tenants;
import io.forkpool.warmup.WarmupKey;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * Optional API keys ({@code forkpool.security.api-keys}, {@code forkpool.security.tenants.*}): a
 * matching key marks the request with its {@link Tenant}. With none configured (the default) this
 * filter lets everything through. With keys configured, every request needs one of them, in
 * {@code X-API-Key} or as {@code Authorization: Bearer <key>}, except the probes, the Prometheus
 * scrape, Swagger UI, the OpenAPI document and the dashboard's page and files; anything else (the whole {@code /api/v1} API, other
 * actuator endpoints, unknown paths) answers 401 {@code application/problem+json} with
 * {@code WWW-Authenticate}. Closed by default rather than by listing the protected paths, so an
 * encoded or oddly spelt path cannot slip past.
 *
 * <p>Keys are compared in constant time ({@link Tenants#withKey}). No key is ever logged.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 50) // after the HTTP observation filter (401s are measured), before the body limit
class ApiKeyFilter extends OncePerRequestFilter {

    static final String HEADER = "X-API-Key";

    private static final Logger log = LoggerFactory.getLogger(ApiKeyFilter.class);

    private final Tenants tenants;
    private final ObjectMapper json;
    private final WarmupKey warmupKey;

    ApiKeyFilter(Tenants tenants, ObjectMapper json, WarmupKey warmupKey) {
        this.json = json;
        this.tenants = tenants;
        this.warmupKey = warmupKey;
    }

    /** Paths that never need a key: probes, scrapes and the API's documentation. */
    static boolean open(String path) {
        return path.equals("/actuator/health")
                || path.startsWith("/actuator/health/")
                || path.equals("/actuator/prometheus")
                || path.startsWith("/swagger-ui")
                || path.startsWith("/v3/api-docs")
                || dashboardPage(path);
    }

    /** The dashboard's page, its files and libraries carry no data: the page asks for a key and sends it. */
    private static boolean dashboardPage(String path) {
        return path.equals("/")
                || path.matches("/jobs/[^/]+")
                || path.startsWith("/ui/")
                || path.startsWith("/webjars/");
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !tenants.keyed() || open(path(request));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Tenant byHeader = tenants.withKey(request.getHeader(HEADER));
        Tenant byBearer = tenants.withKey(bearer(request.getHeader(HttpHeaders.AUTHORIZATION)));
        Tenant tenant = byHeader != null ? byHeader : byBearer;
        if (tenant != null
                | (warmupKey.isOwn(request.getHeader(WarmupKey.HEADER)) && loopback(request.getRemoteAddr()))) {
            (tenant != null ? tenant : Tenant.DEFAULT).authenticated(request); // the warm-up runs as the default tenant
            chain.doFilter(request, response);
            return;
        }
        log.debug("401 for {} {} from {}", request.getMethod(), path(request), request.getRemoteAddr());
        response.addHeader(HttpHeaders.WWW_AUTHENTICATE, "ApiKey realm=\"forkpool\", header=\"" + HEADER + "\"");
        response.addHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"forkpool\"");
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        var problem = ProblemAdvice.problem(
                HttpStatus.UNAUTHORIZED,
                "Unauthorized",
                "a valid API key is required, in the " + HEADER + " header or as Authorization: Bearer <key>");
        problem.setInstance(instance(path(request)));
        ProblemAdvice.write(response, problem, json);
    }

    /** The service's own warm-up comes from the loopback interface only (an IP literal: no lookup). */
    private static boolean loopback(String address) {
        try {
            return address != null && java.net.InetAddress.ofLiteral(address).isLoopbackAddress();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.strip();
        if (value.length() <= 7
                || !value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return null;
        }
        return value.substring(7).strip();
    }

    /** The decoded, normalised path the application sees (no context path, no path parameters). */
    private static String path(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        return path.isEmpty() ? "/" : path;
    }

    /** The path as a URI reference: characters a URI cannot hold (a quote, a space) percent-encoded. */
    private static URI instance(String path) {
        try {
            return new URI(null, null, path, null);
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
