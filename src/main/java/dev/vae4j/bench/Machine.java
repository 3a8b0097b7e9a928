package dev.vae4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The machine a benchmark ran on, as its report names it, so that a figure can be compared with
 * one from elsewhere: the CPU's model name with its x86 family and model numbers (which tell apart
 * CPUs sold under one name: the dev VMs' "AMD EPYC" was a Zen 5 as family 26 and a Zen 4 as family
 * 25, with half the FP32 arithmetic per cycle), the logical CPUs this JVM may use, the JVM, and the
 * two OpenBLAS variables, which decide which kernels OpenBLAS runs (docs/benchmarks.md).
 *
 * @param cpu e.g. {@code AMD EPYC (family 25, model 17)}; the OS's architecture name where
 *     {@code /proc/cpuinfo} names no model
 * @param cpus logical CPUs available to this JVM
 * @param java the JVM's version
 * @param openblasCoretype {@code OPENBLAS_CORETYPE}, or null when unset
 * @param openblasL2Size {@code OPENBLAS_L2_SIZE}, or null when unset
 */
public record Machine(String cpu, int cpus, String java, String openblasCoretype, String openblasL2Size) {

  /** This machine, now. */
  public static Machine current() {
    List<String> cpuinfo;
    try {
      cpuinfo = Files.readAllLines(Path.of("/proc/cpuinfo"));
    } catch (IOException | RuntimeException e) {
      cpuinfo = List.of();
    }
    return of(cpuinfo, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        System.getenv(), System.getProperty("os.arch"));
  }

  /** The machine that {@code cpuinfo} (the lines of /proc/cpuinfo) and {@code env} describe. */
  static Machine of(List<String> cpuinfo, int cpus, String java, Map<String, String> env, String arch) {
    String name = field(cpuinfo, "model name"), family = field(cpuinfo, "cpu family"), model = field(cpuinfo, "model");
    String cpu = name == null ? arch : family == null || model == null ? name
        : name + " (family " + family + ", model " + model + ")";
    return new Machine(cpu, cpus, java, env.get("OPENBLAS_CORETYPE"), env.get("OPENBLAS_L2_SIZE"));
  }

  /** One line: the CPU, its count, the JVM and the OpenBLAS variables as they were. */
  public String describe() {
    return cpu + ", " + cpus + (cpus == 1 ? " CPU" : " CPUs") + ", Java " + java + "; " + openblasVariables();
  }

  /** The two OpenBLAS variables, e.g. {@code OPENBLAS_CORETYPE=Haswell OPENBLAS_L2_SIZE=512}. */
  public String openblasVariables() {
    if (openblasCoretype == null && openblasL2Size == null) return "OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset";
    return "OPENBLAS_CORETYPE=" + (openblasCoretype == null ? "(unset)" : openblasCoretype)
        + " OPENBLAS_L2_SIZE=" + (openblasL2Size == null ? "(unset)" : openblasL2Size);
  }

  /** The value of the first {@code key : value} line of the first processor, or null. */
  private static String field(List<String> cpuinfo, String key) {
    for (String line : cpuinfo) {
      if (line.isBlank()) return null; // the first processor's block has ended
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equals(key)) return line.substring(colon + 1).trim();
    }
    return null;
  }
}
