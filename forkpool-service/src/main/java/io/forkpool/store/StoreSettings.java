package io.forkpool.store;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code forkpool.store.*}: where the durable embedded backend keeps its jobs.
 *
 * @param dir the data folder (created if missing): the SQLite database {@code forkpool.db} with its
 *     write-ahead log, and the lock file that keeps a second service out
 * @param readers connections that answer reads beside the one writer
 */
@ConfigurationProperties("forkpool.store")
public record StoreSettings(
        @DefaultValue("data") Path dir, @DefaultValue("4") int readers) {

    public StoreSettings {
        if (readers < 1) {
            throw new IllegalArgumentException("forkpool.store.readers must be 1 or more");
        }
    }
}
