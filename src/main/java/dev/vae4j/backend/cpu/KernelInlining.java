package dev.vae4j.backend.cpu;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.ObjectName;

/**
 * Keeps {@link VectorLoopKernels}' methods out of other methods' C2 compilations, so that each
 * loop is compiled on its own, where the Vector API always turns into vector instructions.
 *
 * <p>Why (issue 21, docs/benchmarks.md): C2 compiled the body each batch part runs ({@code
 * ParallelRanges.forParts}' lambda) with the whole training step inlined into it, the Vector API
 * loops included. With its inlining budget spent on so large a method, C2 left some of the API's
 * small helper calls as calls, so the species and lengths they return were no longer constants,
 * and an intrinsic needs them constant: those operations ran the API's Java fallback, allocating
 * arrays and vector objects for every vector (2.5 GB/s), and the first training run of a process
 * read a third of bf16's speed for as long as it ran. Nothing made C2 compile that code again (a
 * later run in the same process was fast only because other lambdas then went through the same
 * call site). Compiled on their own, the loops are 1-2 KB methods that C2 intrinsifies fully.
 *
 * <p>How: a HotSpot compiler directive (JEP 165) for C2 compilations of vae4j's methods, {@code
 * inline: "-dev/vae4j/backend/cpu/VectorLoopKernels.*"}, added through the diagnostic-command
 * MBean (what {@code jcmd PID Compiler.directives_add FILE} does). The loops take and return arrays,
 * never vectors, so a call into one costs a call, not boxing. The directive changes where code is
 * compiled, not what it computes: results stay the same bits. Elsewhere (another JVM, or a
 * runtime without {@code jdk.management} and {@code jdk.jfr}) nothing is added, the loops work as
 * before, maybe slowly, and the CPU backend's description says so ({@link #note}). It is added
 * once per JVM, on a thread of its own, because starting the platform MBean server takes a few
 * hundred milliseconds that a short command should not wait for; C2 compiles the step only seconds
 * into training.
 */
final class KernelInlining {
  /** The directive, in the JSON-like syntax HotSpot reads. */
  static final String DIRECTIVE =
      "[{match: \"dev/vae4j/*.*\", c2: {inline: \"-dev/vae4j/backend/cpu/VectorLoopKernels.*\"}}]";

  /** In the CPU backend's description ({@link #note}) once the JVM has refused the directive. */
  static final String NO_COMPILER_DIRECTIVE = "no compiler directive taken";

  private static final AtomicBoolean STARTED = new AtomicBoolean();
  /** Why the JVM did not take the directive, once an attempt has failed; null before, and after success. */
  private static volatile String failure;

  private KernelInlining() {}

  /** Adds {@link #DIRECTIVE} on a daemon thread, the first time it is called in this JVM. */
  static void keepOutOfCallersSoon() {
    if (!STARTED.compareAndSet(false, true)) return;
    Thread thread = new Thread(() -> {
      if (!keepOutOfCallers()) failure = NO_COMPILER_DIRECTIVE + " (" + whyNot() + ")";
    }, "vae4j-kernel-inlining");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * For the CPU backend's description: empty, or once the attempt has failed, a clause saying so,
   * since the loops may then run at a fraction of their speed (a jlink'd runtime without {@code
   * jdk.management} and {@code jdk.jfr} has no {@code compilerDirectivesAdd}: the GPU check's kit
   * was one, and its bf16 CPU training ran at half the speed of the same code on the full JDK).
   */
  static String note() {
    String why = failure;
    return why == null ? "" : ", " + why + ": the loops may run the Vector API's slow fallback";
  }

  private static String whyNot() {
    if (ModuleLayer.boot().findModule("jdk.management").isEmpty()) return "no jdk.management module";
    return "the JVM's DiagnosticCommand MBean has no compilerDirectivesAdd; a jlink'd runtime needs jdk.jfr too";
  }

  /** Adds {@link #DIRECTIVE} now; whether the JVM took it. */
  static boolean keepOutOfCallers() {
    try {
      Path file = Files.createTempFile("vae4j-compiler-directive", ".json");
      try {
        Files.writeString(file, DIRECTIVE);
        Object reply = ManagementFactory.getPlatformMBeanServer().invoke(
            new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesAdd",
            new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
        return String.valueOf(reply).contains("1 compiler directives added");
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (Exception | LinkageError e) {
      return false; // not HotSpot, or without the MBean: the loops run as before, a first run maybe slower
    }
  }
}
