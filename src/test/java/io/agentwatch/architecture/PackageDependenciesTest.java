package io.agentwatch.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The packages form a directed graph: a lower package never imports a higher one. Detection
 * is pure (no Kafka types; the state's serde is the one adapter to Kafka below the topology),
 * and detectors do not know who acts on their findings.
 */
class PackageDependenciesTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.agentwatch");

    @Test
    void shouldHaveNoCycleBetweenPackages() {
        slices().matching("io.agentwatch.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void shouldKeepDetectorsAndStateFreeOfKafkaButTheStoredFormat() {
        noClasses().that().resideInAnyPackage("io.agentwatch.detect..", "io.agentwatch.state..",
                        "io.agentwatch.model..")
                .and().doNotHaveSimpleName("StateSerde")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..")
                .check(MAIN);
    }

    @Test
    void shouldKeepTheDetectorsFromTheLayersThatActOnTheirFindings() {
        noClasses().that().resideInAPackage("io.agentwatch.detect..")
                .should().dependOnClassesThat().resideInAnyPackage("io.agentwatch.respond..",
                        "io.agentwatch.topology..", "io.agentwatch.observe..")
                .check(MAIN);
    }
}
