package io.forkpool.ops;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository's own files (Dockerfile, k8s/, docker/) from wherever a test runs. */
public final class ProjectFiles {

    private ProjectFiles() {}

    /** The repository's root: the nearest directory upward that holds the Maven wrapper. */
    public static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no mvnw above " + Path.of("").toAbsolutePath());
    }

    /** A file of the repository, by its path from the root. */
    public static Path file(String relative) {
        Path path = root().resolve(relative);
        if (!Files.exists(path)) {
            throw new IllegalStateException("missing " + path);
        }
        return path;
    }
}
