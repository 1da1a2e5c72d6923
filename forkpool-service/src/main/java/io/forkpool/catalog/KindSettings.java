package io.forkpool.catalog;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code forkpool.kinds.*}.
 *
 * @param dir a folder of kind jars loaded at start by the service and every worker; null: the
 *     built-in kinds only
 */
@ConfigurationProperties("forkpool.kinds")
public record KindSettings(Path dir) {}
