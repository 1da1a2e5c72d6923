package io.forkpool.backend;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code forkpool.backend}: where jobs are kept and how their shards reach the workers. Bound
 * leniently ({@code redis}, {@code Redis}, {@code " REDIS "}); any other value stops the start
 * with a binding failure that names the property and the value.
 *
 * @param backend {@code embedded} (jobs in a database in the data folder, run in this JVM: durable),
 *     {@code memory} (jobs in this JVM only: tests and throw-away runs) or {@code redis} (shared by replicas)
 */
@ConfigurationProperties("forkpool")
record BackendSettings(@DefaultValue("embedded") Choice backend) {

    enum Choice {
        EMBEDDED,
        MEMORY,
        REDIS
    }
}
