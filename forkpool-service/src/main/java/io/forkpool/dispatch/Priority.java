package io.forkpool.dispatch;

import java.util.Locale;

/**
 * A job's priority within its tenant: at every shard boundary the tenant's next shard comes from
 * its highest priority with shards waiting. It orders shards only, never changes a result.
 */
public enum Priority {
    HIGH,
    NORMAL,
    LOW;

    /** The name as the API writes it: {@code high}, {@code normal}, {@code low}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The priority named {@code label} (as the API writes it), or null if there is none by that name. */
    public static Priority ofLabel(String label) {
        for (Priority p : values()) {
            if (p.label().equals(label)) {
                return p;
            }
        }
        return null;
    }
}
