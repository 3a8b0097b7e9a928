package dev.vae4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class KernelInliningTest {

  private static final String COMMANDS = "com.sun.management:type=DiagnosticCommand";

  @Test
  void hotSpotTakesTheDirectiveForC2() throws Exception {
    assumeTrue(ManagementFactory.getPlatformMBeanServer().isRegistered(new ObjectName(COMMANDS)),
        "a JVM with HotSpot's diagnostic commands");
    assertTrue(KernelInlining.keepOutOfCallers(), "the JVM took " + KernelInlining.DIRECTIVE);
    String printed = (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName(COMMANDS), "compilerDirectivesPrint",
        new Object[] {new String[0]}, new String[] {String[].class.getName()});
    int c2 = printed.indexOf("c2 directives:", printed.indexOf("matching: dev/vae4j/*.*"));
    assertTrue(c2 >= 0, printed);
    assertTrue(printed.startsWith("  inline: -dev/vae4j/backend/cpu/VectorLoopKernels.*", printed.indexOf('\n', c2) + 1),
        printed);
  }

  /** Where the JVM takes the directive, the backend's description says nothing of it (it names only a refusal). */
  @Test
  void theBackendNamesNoRefusalWhereTheJvmTookTheDirective() throws Exception {
    assumeTrue(ManagementFactory.getPlatformMBeanServer().isRegistered(new ObjectName(COMMANDS)),
        "a JVM with HotSpot's diagnostic commands");
    try (CpuBackend backend = new CpuBackend(1)) {
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (t.getName().equals("vae4j-kernel-inlining")) t.join(10_000);
      }
      assertFalse(backend.description().contains(KernelInlining.NO_COMPILER_DIRECTIVE), backend.description());
    }
  }
}
