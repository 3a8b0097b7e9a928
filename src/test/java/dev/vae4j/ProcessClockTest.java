package dev.vae4j;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vae4j.bench.Benchmark;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The clock behind `bench`'s first-step times: the process's age, not off by the boot time's rounding. */
class ProcessClockTest {
  @Test
  void processAgeIsTheJvmUptimePlusTheLaunchersMoment() {
    assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "no /proc here: the JVM's uptime is used as is");
    double jvm = ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
    double process = Benchmark.secondsSinceProcessStart();
    double jvmAfter = ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
    // The process starts a little before the JVM (the launcher); /proc's clocks tick in 10 ms.
    assertTrue(process >= jvm - 0.03, "process " + process + " s, JVM " + jvm + " s");
    assertTrue(process <= jvmAfter + 0.3, "process " + process + " s, JVM " + jvmAfter + " s");
  }
}
