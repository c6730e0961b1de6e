package io.meshscope.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layout's promises, checked on the compiled classes of every module (the launcher's test
 * classpath holds them all): data flows one way, receiver -> analyzer -> generator, with the
 * contracts in schemas; no package cycles; the domain cores do no I/O.
 */
class ArchitectureTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.meshscope");
  }

  @Test
  void noPackageDependsOnAnotherThatDependsOnIt() {
    slices().matching("io.meshscope.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void contractsDependOnNoStage() {
    noClasses().that().resideInAPackage("io.meshscope.schemas..")
        .should().dependOnClassesThat().resideInAnyPackage("io.meshscope.receiver..", "io.meshscope.client..",
            "io.meshscope.analyzer..", "io.meshscope.generator..", "io.meshscope.cli..")
        .check(classes);
  }

  @Test
  void contractsNeitherAdministerNorRunKafka() {
    // Topic creation lives in the kit, with the stages that run it; the contracts only describe topics.
    noClasses().that().resideInAPackage("io.meshscope.schemas..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka.clients.admin..",
            "org.apache.kafka.clients.producer..", "org.apache.kafka.clients.consumer..")
        .check(classes);
  }

  @Test
  void theKitServesEveryStageAndKnowsNone() {
    noClasses().that().resideInAPackage("io.meshscope.kit..")
        .should().dependOnClassesThat().resideInAnyPackage("io.meshscope.receiver..", "io.meshscope.client..",
            "io.meshscope.analyzer..", "io.meshscope.generator..", "io.meshscope.cli..")
        .check(classes);
  }

  @Test
  void eachStageDependsOnNoneDownstreamOfIt() {
    noClasses().that().resideInAnyPackage("io.meshscope.receiver..", "io.meshscope.client..")
        .should().dependOnClassesThat().resideInAnyPackage("io.meshscope.analyzer..", "io.meshscope.generator..",
            "io.meshscope.cli..")
        .check(classes);
    noClasses().that().resideInAPackage("io.meshscope.analyzer..")
        .should().dependOnClassesThat().resideInAnyPackage("io.meshscope.generator..", "io.meshscope.cli..")
        .check(classes);
    noClasses().that().resideInAPackage("io.meshscope.generator..")
        .should().dependOnClassesThat().resideInAnyPackage("io.meshscope.receiver..", "io.meshscope.analyzer..",
            "io.meshscope.cli..")
        .check(classes);
  }

  @Test
  void theServerDoesNotCarryItsClients() {
    noClasses().that().resideInAPackage("io.meshscope.receiver..")
        .should().dependOnClassesThat().resideInAPackage("io.meshscope.client..")
        .check(classes);
  }

  @Test
  void domainCoresDoNoIo() {
    noClasses().that().resideInAPackage("io.meshscope..domain..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "io.grpc..", "java.nio.file..",
            "java.net..", "com.sun.net.httpserver..")
        .check(classes);
  }
}
