package dev.vae4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.vae4j.Backends;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.Precision;
import dev.vae4j.bench.Benchmark;
import dev.vae4j.data.Dataset;
import dev.vae4j.data.Datasets;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.layer.Shape;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vae4j bench}: training throughput on the chosen backend(s), via {@link Benchmark}. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
    description = {"Measures training throughput: samples/s, ms/step and GFLOP/s.",
        "Trains a VAE for a fixed number of steps and prints samples/s, ms/step, the GFLOP/s achieved against the",
        "GEMM-only ceiling measured on the same shapes, peak resident memory and the time to the first step."})
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--device", paramLabel = "cpu|cuda",
      description = "Backend to measure (default: the CPU, and CUDA when it is usable here).")
  String device;

  @Option(names = "--data", defaultValue = "synthetic", paramLabel = "synthetic|digits|DIR",
      description = "Uniform random images, the bundled digits, or a folder with MNIST-style IDX files.")
  String data;

  @Option(names = "--hidden", split = ",", defaultValue = "400", paramLabel = "N[,N...]",
      description = "Encoder hidden layer sizes; the decoder mirrors them.")
  int[] hidden;

  @Option(names = "--conv", arity = "0..1", fallbackValue = "", paramLabel = "C[,C...]", description = ConvModels.HELP)
  String conv;

  @Option(names = "--latent", defaultValue = "20", description = "Latent dimensions.")
  int latent;

  @Option(names = "--batch-size", defaultValue = "128", description = "Images per step.")
  int batchSize;

  @Option(names = "--steps", defaultValue = "300", description = "Timed training steps.")
  int steps;

  @Option(names = "--rounds", paramLabel = "N",
      description = "Time the steps in N rounds and also report the slowest and fastest round's rate "
          + "(default: 5, or --steps if that is fewer).")
  Integer rounds;

  @Option(names = "--warmup", defaultValue = "100", description = "Untimed steps before the timed ones, at least.")
  int warmup;

  @Option(names = "--max-warmup-seconds", defaultValue = "30",
      description = "After the --warmup steps, train on untimed until the JIT compiler goes quiet (two half-second "
          + "stretches with under 1%% of their time spent compiling), for at most this long; 0: no longer than --warmup.")
  double maxWarmupSeconds;

  @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|bf16",
      description = "What the GEMMs read: fp32, or bf16 copies with float32 accumulation (as train's --precision).")
  String precision;

  @Option(names = "--json", description = "Print one JSON array of results instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
    Benchmark.Options options;
    Precision gemms;
    try {
      gemms = Precision.parse(precision);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--precision " + e.getMessage());
    }
    try {
      VaeConfig model = conv == null ? VaeConfig.mlp(784, hidden, latent, Likelihood.BERNOULLI)
          : ConvModels.build(conv, new Shape(1, 28, 28),
              spec.commandLine().getParseResult().hasMatchedOption("--hidden") ? hidden : ConvModels.DEFAULT_HIDDEN,
              latent, Likelihood.BERNOULLI);
      options = new Benchmark.Options(model, batchSize, steps, warmup, 1,
          maxWarmupSeconds, rounds != null ? rounds : Benchmark.Options.defaultRounds(steps));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    MemoryLimits.checkTraining(spec.commandLine(), options.config(), batchSize, MemoryLimits.options(hidden, latent, batchSize));
    MemoryLimits.checkImages(spec.commandLine(), options.config(), 8L * batchSize, 0, "--batch-size " + batchSize); // synthetic rows
    Dataset images = images(options);
    List<Benchmark.Result> results = new ArrayList<>();
    boolean convolutions = options.config().convolutional();
    if (gemms != Precision.FP32 && convolutions) {
      throw new ParameterException(spec.commandLine(), "--precision bf16 works with MLP models only, not with --conv");
    }
    for (String name : devices(convolutions)) {
      Backends.Choice choice;
      try {
        choice = Backends.select(name, Backends.GpuOptions.defaults(), convolutions, gemms);
      } catch (Backends.PrecisionUnavailableException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      try (Backend backend = choice.backend()) {
        if (!json) err.printf("vae4j: bench %s on %s (%s)%n", options.config().describe(), name, backend.description());
        try (WarmupProgress warmup = WarmupProgress.start(options.maxWarmupSeconds())) {
          results.add(Benchmark.run(backend, images, options, warmup));
        }
      }
    }
    if (json) {
      out.println(new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .writerWithDefaultPrettyPrinter().writeValueAsString(results));
    } else {
      printTable(out, results);
      out.println("precision: " + gemms.text() + (gemms == Precision.BF16
          ? " (GEMMs read bfloat16 copies of weights and activations, accumulating in float32)" : ""));
    }
    return 0;
  }

  private Dataset images(Benchmark.Options options) throws java.io.IOException {
    if (data.equals("synthetic")) {
      // Enough distinct rows that a batch is never re-read from cache more than a real epoch would be.
      return Benchmark.syntheticImages(Math.max(options.batchSize() * 8, 8192), 28, 28, 7);
    }
    Dataset train = Datasets.load(data).train();
    if (train.features() != 784) {
      throw new IllegalArgumentException("--data " + data + ": bench models 28x28 images, got "
          + train.height() + "x" + train.width());
    }
    return train;
  }

  /** The backends to measure: the one asked for, or the CPU plus CUDA when it can run the model here. */
  private List<String> devices(boolean convolutions) {
    if (device != null) {
      String d = device.toLowerCase(Locale.ROOT);
      if (!d.equals("cpu") && !d.equals("cuda")) {
        throw new ParameterException(spec.commandLine(), "--device must be cpu or cuda, got '" + device + "'");
      }
      return List.of(d);
    }
    String noCuda = Backends.cudaUnavailableReason(convolutions);
    if (noCuda != null && !json) spec.commandLine().getErr().println("vae4j: CUDA skipped: " + noCuda);
    return noCuda == null ? List.of("cpu", "cuda") : List.of("cpu");
  }

  private static void printTable(PrintWriter out, List<Benchmark.Result> results) {
    out.printf("%-6s %-11s %6s %12s %25s %9s %18s %18s %10s %12s%n", "device", "model", "batch", "samples/s",
        "rounds: slowest-fastest", "ms/step", "GFLOP/s (step)", "GFLOP/s (GEMMs)", "peak RSS", "first step");
    for (Benchmark.Result r : results) {
      String range = String.format(Locale.ROOT, "%d: %,.0f-%,.0f", r.rounds(), r.slowestRoundSamplesPerSecond(),
          r.fastestRoundSamplesPerSecond());
      out.printf(Locale.ROOT, "%-6s %-11s %6d %,12.0f %25s %9.3f %18.1f %18.1f %7.0f MB %10.2f s%n", r.backend(),
          r.model(), r.batchSize(), r.samplesPerSecond(), range, r.msPerStep(), r.gflopsAchieved(), r.gemmOnlyGflops(),
          r.peakResidentBytes() / 1e6, r.secondsToFirstStep());
    }
    for (Benchmark.Result r : results) {
      out.printf(Locale.ROOT, "%s: the step reaches %.0f%% of its GEMM-only rate (%,.0f samples/s if only GEMMs ran); "
          + "the first step began %.2f s after start; timed after %,d warm-up steps (%.1f s, %s); data: %s%n", r.backend(),
          100 * r.gflopsAchieved() / r.gemmOnlyGflops(), r.gemmOnlySamplesPerSecond(), r.secondsToFirstStepStart(),
          r.warmupSteps(), r.warmupSeconds(),
          r.jitQuiet() ? "until the JIT compiler went quiet" : "the JIT compiler not known to be quiet", r.data());
    }
    if (!results.isEmpty()) out.println("machine: " + results.get(0).machine().describe());
  }
}
