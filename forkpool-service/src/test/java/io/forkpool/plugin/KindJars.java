package io.forkpool.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

/**
 * Jars of the test kinds in src/test/kinds/ (misbehaving on purpose), built the way an operator
 * gets a kind: compiled against the kind API alone, packaged with their service file. They are
 * not on the test class path, so the service and its workers can only find them in a kinds dir.
 */
public final class KindJars {

    private static Path classes;

    private KindJars() {}

    /** A jar in {@code dir} holding every test kind class, whose service file lists {@code kinds}. */
    public static Path jar(Path dir, String name, String... kinds) {
        Path jar = dir.resolve(name);
        try (var out = new JarOutputStream(Files.newOutputStream(jar))) {
            if (kinds.length > 0) {
                out.putNextEntry(new JarEntry(KindRegistry.SERVICE_FILE));
                out.write((String.join("\n", kinds) + "\n").getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
            Path root = compiled();
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    out.putNextEntry(
                            new JarEntry(root.relativize(file).toString().replace('\\', '/')));
                    out.write(Files.readAllBytes(file));
                    out.closeEntry();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }

    /** A jar that is no kind at all: a text file and nothing else. */
    public static Path notAKind(Path dir, String name) {
        Path jar = dir.resolve(name);
        try (var out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("README.txt"));
            out.write("not a kind".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }

    /** The test kinds compiled once per JVM, against this JVM's class path (the kind API is on it). */
    private static synchronized Path compiled() throws IOException {
        if (classes == null) {
            Path sources = Path.of("src/test/kinds");
            Path out = Files.createTempDirectory("forkpool-test-kinds");
            List<String> files;
            try (Stream<Path> walk = Files.walk(sources)) {
                files = walk.filter(p -> p.toString().endsWith(".java"))
                        .map(Path::toString)
                        .toList();
            }
            var args = new java.util.ArrayList<>(List.of(
                    "-d", out.toString(), "-cp", System.getProperty("java.class.path"), "-proc:none", "-nowarn"));
            args.addAll(files);
            int status = ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new));
            if (status != 0) {
                throw new IllegalStateException("the test kinds in " + sources.toAbsolutePath() + " do not compile");
            }
            classes = out;
        }
        return classes;
    }
}
