package io.forkpool.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which kinds are installed, and the start refused, naming the jar, for a kind that cannot be used. */
class KindRegistryTest {

    @TempDir
    Path dir;

    @Test
    void theFiveBuiltInKindsAreFoundOnTheClassPath() {
        var registry = KindRegistry.builtIn();
        assertThat(registry.names()).containsExactly("dice", "pi", "projectile", "sine", "smallest-multiple");
        assertThat(registry.all()).allSatisfy(i -> assertThat(i.source()).isEqualTo("built-in"));
    }

    @Test
    void aKindsDirAddsItsJarsKindsBesideTheBuiltInOnes() {
        KindJars.jar(dir, "broken.jar", "broken.Thrower", "broken.Printer");
        var registry = KindRegistry.load(dir);
        assertThat(registry.names())
                .containsExactly("dice", "pi", "printer", "projectile", "sine", "smallest-multiple", "thrower");
        assertThat(registry.installed("thrower").orElseThrow().source()).isEqualTo("broken.jar");
        assertThat(registry.find("thrower").orElseThrow().getClass().getClassLoader())
                .as("loaded from the jar, not from the class path")
                .isNotSameAs(KindRegistry.class.getClassLoader());
    }

    @Test
    void aJarThatIsNotAKindStopsTheStartNamingIt() {
        KindJars.notAKind(dir, "notes.jar");
        assertThatThrownBy(() -> KindRegistry.load(dir))
                .isInstanceOf(KindLoadException.class)
                .hasMessageContaining("notes.jar")
                .hasMessageContaining("is not a forkpool kind");
    }

    @Test
    void twoKindsWithOneNameStopTheStartNamingBoth() {
        KindJars.jar(dir, "impostor.jar", "broken.Duplicate");
        assertThatThrownBy(() -> KindRegistry.load(dir))
                .isInstanceOf(KindLoadException.class)
                .hasMessageContaining("two kinds are named \"pi\"")
                .hasMessageContaining("impostor.jar")
                .hasMessageContaining("built-in");
    }

    @Test
    void aRequestWithoutAValidSchemaStopsTheStartNamingTheJarAndTheField() {
        KindJars.jar(dir, "schemaless.jar", "broken.NoSchema");
        assertThatThrownBy(() -> KindRegistry.load(dir))
                .isInstanceOf(KindLoadException.class)
                .hasMessageContaining("schemaless.jar")
                .hasMessageContaining("has no valid schema")
                .hasMessageContaining("weights");
    }

    @Test
    void aServiceFileNamingAMissingClassStopsTheStartNamingTheJar() {
        KindJars.jar(dir, "typo.jar", "broken.NoSuchKind");
        assertThatThrownBy(() -> KindRegistry.load(dir))
                .isInstanceOf(KindLoadException.class)
                .hasMessageContaining("typo.jar")
                .hasMessageContaining("broken.NoSuchKind");
    }

    @Test
    void aMissingKindsDirStopsTheStart() {
        assertThatThrownBy(() -> KindRegistry.load(dir.resolve("absent")))
                .isInstanceOf(KindLoadException.class)
                .hasMessageContaining("is not a directory");
        assertThat(Files.isDirectory(dir)).isTrue();
    }
}
