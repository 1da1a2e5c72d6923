package io.forkpool;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.forkpool.kind.api.JobKind;
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
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.forkpool");

    @Test
    void workerChildProtocolAndKindsImportNothingFromSpring() {
        noClasses()
                .that()
                .resideInAnyPackage("io.forkpool.kind..", "io.forkpool.worker.protocol..", "io.forkpool.worker.child..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.springframework..", "io.micrometer..", "tools.jackson..")
                .because("the worker JVM must start in milliseconds without Spring")
                .check(CLASSES);
    }

    @Test
    void kindsAndProtocolKnowNothingOfTheServiceAroundThem() {
        noClasses()
                .that()
                .resideInAnyPackage("io.forkpool.kind..", "io.forkpool.worker.protocol..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.forkpool.job..", "io.forkpool.dispatch..", "io.forkpool.web..", "io.forkpool.metrics..")
                .check(CLASSES);
    }

    /**
     * The built-in kinds are plugins like any other (module forkpool-kinds, package io.forkpool.kind):
     * the service reaches them through the kind API only, drawing and warming included.
     */
    @Test
    void noClassOfTheServiceNamesAKind() {
        noClasses()
                .that()
                .resideOutsideOfPackages("io.forkpool.kind", "io.forkpool.kind.api..", "io.forkpool.example..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.forkpool.kind")
                .orShould()
                .dependOnClassesThat()
                .implement(JobKind.class)
                .because("a kind is found by ServiceLoader and reached through io.forkpool.kind.api")
                .check(CLASSES);
    }

    @Test
    void featurePackagesHaveNoCycles() {
        slices().matching("io.forkpool.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    /** Each package on its own (a sub-package such as worker.child or kind.api is a slice of its own). */
    @Test
    void noPackageCyclesWithItsSubPackagesEither() {
        slices().matching("io.forkpool.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void theWorkerChildReachesOnlyTheProtocolAndTheKinds() {
        noClasses()
                .that()
                .resideInAPackage("io.forkpool.worker.child..")
                .should()
                .dependOnClassesThat(resideInAPackage("io.forkpool..")
                        .and(not(resideInAnyPackage(
                                "io.forkpool.worker.child..",
                                "io.forkpool.worker.protocol..",
                                "io.forkpool.plugin..",
                                "io.forkpool.kind.."))))
                .because("the worker JVM runs kernels: the pool, the dispatcher and the service stay in the parent")
                .check(CLASSES);
    }

    @Test
    void theKindApiNamesNothingOfForkpoolButItself() {
        noClasses()
                .that()
                .resideInAPackage("io.forkpool.kind.api..")
                .should()
                .dependOnClassesThat(
                        resideInAPackage("io.forkpool..").and(not(resideInAPackage("io.forkpool.kind.api.."))))
                .because("plugins compile against forkpool-kind-api alone")
                .check(CLASSES);
    }

    /**
     * Package-private by default: a public type of the service must be reached from another package (main or
     * test), or be a {@code ServiceLoader} provider or a JVM entry point. The kind API module is public API, and
     * the built-in kinds' module a plugin whose requests and results the service reads by reflection.
     */
    @Test
    void publicTypesOfTheServiceAreUsedFromAnotherPackage() throws IOException {
        JavaClasses mainAndTests = new ClassFileImporter().importPackages("io.forkpool");
        Set<String> providers = serviceProviders();
        List<String> needlesslyPublic = CLASSES.stream()
                .filter(c -> c.isTopLevelClass() && c.getModifiers().contains(JavaModifier.PUBLIC))
                .filter(c -> !c.getPackageName().startsWith("io.forkpool.kind.api")
                        && !c.getPackageName().equals("io.forkpool.kind")
                        && !c.getPackageName().startsWith("io.forkpool.example"))
                .filter(c -> !providers.contains(c.getName()) && !hasMain(c))
                .filter(c -> !c.getSimpleName().contains("__")) // generated by Spring AOT (BeanDefinitions, ...)
                .filter(c -> !usedFromAnotherPackage(c, mainAndTests))
                .map(JavaClass::getName)
                .sorted()
                .toList();
        assertThat(needlesslyPublic)
                .as("public types no other package uses; drop 'public'")
                .isEmpty();
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
        for (URL url : Collections.list(ArchitectureTest.class
                .getClassLoader()
                .getResources("META-INF/services/io.forkpool.kind.api.JobKind"))) {
            try (InputStream in = url.openStream()) {
                new String(in.readAllBytes(), StandardCharsets.UTF_8)
                        .lines()
                        .map(String::strip)
                        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                        .forEach(names::add);
            }
        }
        assertThat(names).as("the service's own kinds").contains("io.forkpool.kind.PiKind");
        return names;
    }
}
