package io.forkpool;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
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
}
