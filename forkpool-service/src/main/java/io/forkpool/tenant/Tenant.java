package io.forkpool.tenant;

import jakarta.servlet.http.HttpServletRequest;

/**
 * A tenant: its name (what jobs, metrics and logs show; never its key), its fair-share weight, its
 * quotas (0: none) and whether it is an admin (sees and acts on every tenant's jobs).
 */
public record Tenant(String name, int weight, int maxJobs, long maxRunningSamples, boolean admin) {

    /** The name of the one tenant of a service without keys, and of the service's own warm-up jobs. */
    public static final String DEFAULT_NAME = "default";

    /** The tenant of a service without keys: it sees everything, with no quota of its own. */
    public static final Tenant DEFAULT = new Tenant(DEFAULT_NAME, 1, 0, 0, true);

    /** The request attribute {@code web/ApiKeyFilter} leaves the caller's tenant in. */
    static final String ATTRIBUTE = Tenant.class.getName();

    /** The tenant a request was authenticated as; {@link #DEFAULT} where no key is needed. */
    public static Tenant of(HttpServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof Tenant t ? t : DEFAULT;
    }

    /** Marks {@code request} as made by this tenant (the API key filter, once the key matched). */
    public void authenticated(HttpServletRequest request) {
        request.setAttribute(ATTRIBUTE, this);
    }

    /**
     * Whether this tenant may see and act on a job of {@code owner}; a job stored before tenants
     * existed (owner null) belongs to {@link #DEFAULT_NAME}.
     */
    public boolean mayAccess(String owner) {
        return admin || name.equals(owner == null ? DEFAULT_NAME : owner);
    }

    /** The owner to filter a list by: null (every tenant's) for an admin. */
    public String listFilter() {
        return admin ? null : name;
    }
}
