package dev.vae4j.cli;

import dev.vae4j.Backends;
import dev.vae4j.backend.Backend;
import dev.vae4j.bench.Machine;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vae4j info}: what this machine and build offer, and what {@code --device auto} would pick. */
@Command(name = "info", mixinStandardHelpOptions = true,
    description = "Prints Java/OS, the processor and OpenBLAS variables, the CPU backend, CUDA driver/runtime versions, GPUs, and what --device auto picks.")
final class InfoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.printf("vae4j     %s%n", Version.current());
    out.printf("Java      %s (%s) on %s %s, %d cores%n", System.getProperty("java.version"),
        System.getProperty("java.vm.name"), System.getProperty("os.name"), System.getProperty("os.arch"),
        Runtime.getRuntime().availableProcessors());
    Machine machine = Machine.current();
    out.printf("processor %s%n", machine.cpu());
    out.printf("OpenBLAS  %s%n", machine.openblasVariables());
    Backends.Inventory here = Backends.inventory();
    out.printf("CPU       %s%n", here.cpu());
    out.printf("CUDA      driver %s, runtime %s%n", orUnknown(here.cudaDriver()), orUnknown(here.cudaRuntime()));
    out.printf("kernels   %s%n", here.kernelArchitectures().isEmpty()
        ? "this build has no CUDA kernels" : "built for " + String.join(", ", here.kernelArchitectures()));
    if (here.gpus().isEmpty()) out.println("GPUs      none");
    for (int i = 0; i < here.gpus().size(); i++) out.printf("GPU %d     %s%n", i, here.gpus().get(i));
    if (here.cudaUnavailable() != null) out.printf("          CUDA unavailable: %s%n", here.cudaUnavailable());
    Backends.Choice auto = Backends.auto();
    try (Backend chosen = auto.backend()) {
      out.printf("auto      %s (%s)%n", chosen.name(), auto.reason());
    }
    return 0;
  }

  private static String orUnknown(String version) {
    return version == null ? "unknown" : version;
  }
}
