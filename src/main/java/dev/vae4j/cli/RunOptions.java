package dev.vae4j.cli;

import dev.vae4j.Backends;
import dev.vae4j.Vae;
import dev.vae4j.backend.Backend;
import dev.vae4j.run.Run;
import dev.vae4j.run.RunConfig;
import dev.vae4j.run.RunDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every command on a trained run shares: the run folder and the device. */
final class RunOptions {
  @Option(names = "--run", required = true, paramLabel = "DIR", description = "A run folder written by 'vae4j train'.")
  Path run;

  @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or cuda.")
  String device;

  /** The run, its model on the chosen backend; close it to free the backend. */
  Session open(PrintWriter err) throws IOException {
    Run opened = Run.open(run);
    // A conv model needs cuDNN on the GPU: ask before choosing, so that auto can take the CPU.
    boolean convolutions = RunConfig.read(run.resolve(RunDirectory.CONFIG)).model().convolutional();
    Backends.Choice choice = Backends.select(device, Backends.GpuOptions.defaults(), convolutions);
    try {
      Vae model = opened.loadModel(choice.backend(), note -> err.println("vae4j: note: " + note));
      err.printf("vae4j: %s on %s: %s%n", model.config().describe(), choice.backend().name(), choice.reason());
      return new Session(opened, choice.backend(), model);
    } catch (IOException | RuntimeException e) {
      choice.backend().close();
      throw e;
    }
  }

  /** An opened run with its model on a backend. */
  record Session(Run run, Backend backend, Vae model) implements AutoCloseable {
    @Override
    public void close() {
      backend.close();
    }
  }
}
