package io.forkpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.catalog.RequestBinder;
import io.forkpool.ops.ProjectFiles;
import io.forkpool.plugin.KindRegistry;
import jakarta.validation.Validation;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * docs/kinds.md for a plugin author outside this tree, done for real: the example kind's sources
 * copied out of the reactor beside {@code examples/forkpool-kind-birthday/standalone-pom.xml} (as
 * its pom.xml) and built by a separate Maven, on this JDK 25, offline, against the kind API this
 * build has just packaged; its tests run there, and the jar it makes loads as the service loads a
 * kinds folder.
 *
 * <p>Where that API comes from: {@code verify} installs nothing, and a local repository may hold
 * an older forkpool-kind-api, or none (CI starts from an empty one). So the nested build gets a
 * fresh local repository of its own holding only the API's jar from {@code target/} and its pom
 * and parent pom (what {@code mvn install} would put there), with the build's own local
 * repository behind it, read-only, for everything else ({@code maven.repo.local.tail}, Maven
 * 3.9): the Spring Boot parent poms, jakarta.validation-api, JUnit and the plugins, which this
 * build resolved before this test runs.
 */
class StandaloneKindBuildIT {

    private static final long BUILD_MINUTES = 6;

    @TempDir
    Path work;

    @Test
    void theExampleBuildsOutsideTheTreeAgainstTheBuiltApiAndLoadsAsAKind() throws Exception {
        String version = property("forkpool.version");
        Path api = Path.of(property("forkpool.kind.api.jar"));
        assertThat(api)
                .as("the kind API's jar, packaged earlier in the reactor (./mvnw package -pl forkpool-kind-api)")
                .isRegularFile();
        Path mvn = Path.of(property("forkpool.maven.home"), "bin", "mvn");
        assertThat(mvn).as("the Maven running this build").isRegularFile();
        Path tail = Path.of(property("forkpool.maven.repo"));
        assertThat(Runtime.version().feature()).as("this test's JDK").isGreaterThanOrEqualTo(25);

        // The API as `mvn install -pl forkpool-kind-api -am` would install it.
        Path repo = work.resolve("repo");
        Path apiDir = Files.createDirectories(repo.resolve("io/forkpool/forkpool-kind-api/" + version));
        Files.copy(api, apiDir.resolve("forkpool-kind-api-" + version + ".jar"));
        Files.copy(
                ProjectFiles.file("forkpool-kind-api/pom.xml"),
                apiDir.resolve("forkpool-kind-api-" + version + ".pom"));
        Path parentDir = Files.createDirectories(repo.resolve("io/forkpool/forkpool-parent/" + version));
        Files.copy(ProjectFiles.file("pom.xml"), parentDir.resolve("forkpool-parent-" + version + ".pom"));

        // The author's project: the example's src/ and the standalone pom, nothing else of the tree.
        Path example = ProjectFiles.file("examples/forkpool-kind-birthday");
        Path project = Files.createDirectories(work.resolve("my-kind"));
        copyTree(example.resolve("src"), project.resolve("src"));
        Files.copy(example.resolve("standalone-pom.xml"), project.resolve("pom.xml"));

        Path log = work.resolve("build.log");
        var build = new ProcessBuilder(
                        mvn.toString(),
                        "-B",
                        "-ntp",
                        "--offline",
                        "-Dmaven.repo.local=" + repo,
                        "-Dmaven.repo.local.tail=" + tail,
                        "package")
                .directory(project.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        build.environment().put("JAVA_HOME", System.getProperty("java.home"));
        build.environment().remove("MAVEN_ARGS");
        Process process = build.start();
        process.getOutputStream().close();
        if (!process.waitFor(BUILD_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("the standalone build took over " + BUILD_MINUTES + " min:\n" + tail(log));
        }
        assertThat(process.exitValue()).as("""
                        the standalone build of the example failed (a version in standalone-pom.xml that \
                        this build does not use cannot be found offline: keep them Spring Boot's):
                        %s""", tail(log)).isZero();

        // Its own tests ran there, against the API alone.
        Path report = project.resolve("target/surefire-reports/TEST-io.forkpool.example.birthday.BirthdayKindTest.xml");
        assertThat(report)
                .as("BirthdayKindTest's report in the standalone build")
                .isRegularFile();
        assertThat(Files.readString(report)).containsPattern("tests=\"[1-9]").contains("failures=\"0\"");

        List<Path> jars;
        try (Stream<Path> files = Files.list(project.resolve("target"))) {
            jars = files.filter(f -> f.toString().endsWith(".jar")).toList();
        }
        assertThat(jars).as("the standalone build's jar").hasSize(1);
        Path jar = jars.getFirst();
        try (var entries = new JarFile(jar.toFile())) {
            var services = entries.getJarEntry("META-INF/services/io.forkpool.kind.api.JobKind");
            assertThat(services).as("the kind's ServiceLoader entry").isNotNull();
            assertThat(new String(entries.getInputStream(services).readAllBytes(), StandardCharsets.UTF_8).strip())
                    .isEqualTo("io.forkpool.example.birthday.BirthdayKind");
            var kindClass = entries.getJarEntry("io/forkpool/example/birthday/BirthdayKind.class");
            assertThat(kindClass).isNotNull();
            try (var in = new DataInputStream(entries.getInputStream(kindClass))) {
                in.readInt(); // magic
                in.readUnsignedShort(); // minor
                assertThat(in.readUnsignedShort())
                        .as("class file version (69: Java 25)")
                        .isEqualTo(69);
            }
            assertThat(entries.stream().map(e -> e.getName()))
                    .as("the API is provided, not shipped")
                    .noneMatch(name -> name.startsWith("io/forkpool/kind/api/"));
        }

        // The service's own loader takes it, and binds a request of it.
        Path kinds = Files.createDirectories(work.resolve("kinds"));
        Files.copy(jar, kinds.resolve(jar.getFileName()));
        var registry = KindRegistry.load(kinds);
        assertThat(registry.find("birthday")).as("kinds: %s", registry.names()).isPresent();
        var json = new ObjectMapper();
        var binder = new RequestBinder(
                registry, json, Validation.buildDefaultValidatorFactory().getValidator(), 1_000_000_000L);
        var draft = binder.bind((ObjectNode) json.readTree("{\"type\":\"birthday\",\"trials\":100000,\"seed\":1}"));
        assertThat(json.valueToTree(draft.filled()).toString()).contains("\"people\":23", "\"days\":365");
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        assertThat(value)
                .as("system property %s (set by forkpool-service's failsafe configuration)", name)
                .isNotBlank();
        return value;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** The last lines of the nested build's output, for a failure's message. */
    private static String tail(Path log) throws IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : new ArrayList<>();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
