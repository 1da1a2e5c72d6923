package io.forkpool;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Keeps the layout honest: the worker side stays free of Spring, and features do not cycle. */
class ArchitectureTest {

    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.forkpool");

    @Test
    void workerChildProtocolAndKindsImportNothingFromSpring() {
        noClasses().that().resideInAnyPackage("io.forkpool.kind..", "io.forkpool.worker.protocol..",
                        "io.forkpool.worker.child..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "io.micrometer..",
                        "tools.jackson..")
                .because("the worker JVM must start in milliseconds without Spring")
                .check(CLASSES);
    }

    @Test
    void kindsAndProtocolKnowNothingOfTheServiceAroundThem() {
        noClasses().that().resideInAnyPackage("io.forkpool.kind..", "io.forkpool.worker.protocol..")
                .should().dependOnClassesThat().resideInAnyPackage("io.forkpool.job..", "io.forkpool.dispatch..",
                        "io.forkpool.web..", "io.forkpool.metrics..")
                .check(CLASSES);
    }

    @Test
    void featurePackagesHaveNoCycles() {
        slices().matching("io.forkpool.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    /**
     * Package-private by default: a public type of the service must be reached from another package (main or
     * test), or be a {@code ServiceLoader} provider or a JVM entry point. The kind API module is public API.
     */
    @Test
    void publicTypesOfTheServiceAreUsedFromAnotherPackage() throws IOException {
        JavaClasses mainAndTests = new ClassFileImporter().importPackages("io.forkpool");
        Set<String> providers = serviceProviders();
        List<String> needlesslyPublic = CLASSES.stream()
                .filter(c -> c.isTopLevelClass() && c.getModifiers().contains(JavaModifier.PUBLIC))
                .filter(c -> !c.getPackageName().startsWith("io.forkpool.kind.api")
                        && !c.getPackageName().startsWith("io.forkpool.example"))
                .filter(c -> !providers.contains(c.getName()) && !hasMain(c))
                .filter(c -> !usedFromAnotherPackage(c, mainAndTests))
                .map(JavaClass::getName)
                .sorted()
                .toList();
        assertThat(needlesslyPublic).as("public types no other package uses; drop 'public'").isEmpty();
    }

    private static boolean usedFromAnotherPackage(JavaClass type, JavaClasses all) {
        return all.stream()
                .filter(c -> c.getName().equals(type.getName()) || c.getName().startsWith(type.getName() + "$"))
                .flatMap(c -> c.getDirectDependenciesToSelf().stream())
                .anyMatch(d -> !d.getOriginClass().getPackageName().equals(type.getPackageName()));
    }

    private static boolean hasMain(JavaClass type) {
        return type.getMethods().stream()
                .anyMatch(m -> m.getName().equals("main") && m.getModifiers().contains(JavaModifier.STATIC));
    }

    private static Set<String> serviceProviders() throws IOException {
        Set<String> names = new HashSet<>();
        for (URL url : Collections.list(ArchitectureTest.class.getClassLoader()
                .getResources("META-INF/services/io.forkpool.kind.api.JobKind"))) {
            try (InputStream in = url.openStream()) {
                new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                        .filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(names::add);
            }
        }
        assertThat(names).as("the service's own kinds").contains("io.forkpool.kind.PiKind");
        return names;
    }
}
