package io.forkpool.ops;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the project's own files (Dockerfile, k8s/, docker/) from wherever the test runs. */
final class ProjectFiles {

    private ProjectFiles() {
    }

    /** The directory holding pom.xml: Surefire's {@code basedir}, else the nearest one upward. */
    static Path root() {
        String basedir = System.getProperty("basedir");
        if (basedir != null && Files.isRegularFile(Path.of(basedir, "pom.xml"))) {
            return Path.of(basedir).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no pom.xml above " + Path.of("").toAbsolutePath());
    }

    static Path file(String relative) {
        Path path = root().resolve(relative);
        if (!Files.exists(path)) {
            throw new IllegalStateException("missing " + path);
        }
        return path;
    }
}
