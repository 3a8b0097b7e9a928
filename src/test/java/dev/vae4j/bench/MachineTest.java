package dev.vae4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a benchmark report says about the machine it ran on. */
class MachineTest {
  private static final List<String> ZEN4_VM = List.of(
      "processor\t: 0", "vendor_id\t: AuthenticAMD", "cpu family\t: 25", "model\t\t: 17",
      "model name\t: AMD EPYC", "stepping\t: 1", "",
      "processor\t: 1", "vendor_id\t: AuthenticAMD", "cpu family\t: 25", "model\t\t: 17",
      "model name\t: AMD EPYC", "");

  @Test
  void namesTheCpuWithItsFamilyAndModelAndTheOpenBlasVariables() {
    Machine m = Machine.of(ZEN4_VM, 2, "17.0.15", Map.of("OPENBLAS_CORETYPE", "Haswell", "OPENBLAS_L2_SIZE", "512"),
        "amd64");
    assertEquals("AMD EPYC (family 25, model 17)", m.cpu());
    assertEquals("AMD EPYC (family 25, model 17), 2 CPUs, Java 17.0.15; OPENBLAS_CORETYPE=Haswell OPENBLAS_L2_SIZE=512",
        m.describe());
  }

  @Test
  void saysWhenTheOpenBlasVariablesAreUnset() {
    assertTrue(Machine.of(ZEN4_VM, 2, "17", Map.of(), "amd64").describe()
        .endsWith("; OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset"));
    assertTrue(Machine.of(ZEN4_VM, 1, "17", Map.of("OPENBLAS_CORETYPE", "Zen"), "amd64").describe()
        .endsWith(", 1 CPU, Java 17; OPENBLAS_CORETYPE=Zen OPENBLAS_L2_SIZE=(unset)"));
  }

  @Test
  void withoutAModelNameTheArchitectureStandsIn() {
    List<String> arm = List.of("processor\t: 0", "BogoMIPS\t: 50.00", "CPU implementer\t: 0x41", "");
    assertEquals("aarch64", Machine.of(arm, 4, "17", Map.of(), "aarch64").cpu());
    assertEquals("amd64", Machine.of(List.of(), 4, "17", Map.of(), "amd64").cpu());
  }

  @Test
  void aModelNameWithoutFamilyNumbersStandsAlone() {
    assertEquals("Some CPU", Machine.of(List.of("model name : Some CPU", ""), 1, "17", Map.of(), "x").cpu());
  }

  @Test
  void thisMachineHasAtLeastOneCpu() {
    Machine here = Machine.current();
    assertTrue(here.cpus() >= 1);
    assertEquals(System.getenv("OPENBLAS_CORETYPE"), here.openblasCoretype());
  }
}
