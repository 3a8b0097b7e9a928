package dev.vae4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vae4j.Backends;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.ActivationFunction;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.Precision;
import dev.vae4j.bench.Benchmark;
import dev.vae4j.bench.StepBreakdown;
import dev.vae4j.bench.ModelsAtOnce;
import dev.vae4j.data.Dataset;
import dev.vae4j.data.Datasets;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.layer.Shape;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
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

  @Option(names = "--json", description = "Print one JSON array of results instead of a table "
      + "(with --models M: an object, the array as \"one_model\" and the M models as \"models_at_once\", "
      + "an array of one per backend when both were measured).")
  boolean json;

  @Option(names = "--inference",
      description = "Time inference passes (encode, sample, decode; no gradients; the rows split one part per core, "
          + "as eval and score run them) instead of training steps, against the forward GEMMs' own rate. "
          + "The tutorial's inference figure is at --batch-size 1000.")
  boolean inference;

  @Option(names = "--breakdown",
      description = "Then time the CPU step op by op and print where its time goes: each backend op, the GEMMs alone, "
          + "and the time between the ops (CPU only: CUDA queues its ops asynchronously).")
  boolean breakdown;
  @Option(names = "--models", defaultValue = "1", paramLabel = "M",
      description = "Then train M models of this shape at once and print the aggregate samples/s, ms per step of all M and "
          + "the ratio to one model alone: on the CPU side by side as sweep --parallel M runs them, each on an equal "
          + "share of the cores (or --models-mode stacked); on CUDA batched in one stacked step (strided-batched GEMMs, "
          + "one CUDA graph per epoch; MLP models).")
  int models;

  @Option(names = "--models-mode", paramLabel = "side-by-side|stacked",
      description = "How the CPU trains --models M: side-by-side (default: a thread and a confined backend per model) "
          + "or stacked (all M in one stacked step, as on the GPU; MLP models). CUDA trains them stacked only.")
  String modelsMode;

  @Option(names = "--tf32", description = "CUDA: let FP32 GEMMs use TF32 tensor cores (as train --tf32), for one model "
      + "and for --models M.")
  boolean tf32;

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
              latent, Likelihood.BERNOULLI, ActivationFunction.RELU);
      options = new Benchmark.Options(model, batchSize, steps, warmup, 1,
          maxWarmupSeconds, rounds != null ? rounds : Benchmark.Options.defaultRounds(steps));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    MemoryLimits.checkTraining(spec.commandLine(), options.config(), batchSize, MemoryLimits.options(hidden, latent, batchSize));
    MemoryLimits.checkImages(spec.commandLine(), options.config(), 8L * batchSize, 0, "--batch-size " + batchSize); // synthetic rows
    if (models < 1 || models > SweepCommand.MAX_PARALLEL) {
      throw new ParameterException(spec.commandLine(), "--models must be between 1 and " + SweepCommand.MAX_PARALLEL + ", got " + models);
    }
    checkModelsMode(options.config().convolutional(), gemms);
    Dataset images = images(options);
    List<Benchmark.Result> results = new ArrayList<>();
    Map<Benchmark.Result, StepBreakdown> breakdowns = new LinkedHashMap<>();
    boolean convolutions = options.config().convolutional();
    if (gemms != Precision.FP32 && convolutions) {
      throw new ParameterException(spec.commandLine(), "--precision bf16 works with MLP models only, not with --conv");
    }
    for (String name : devices(convolutions)) {
      Backends.Choice choice;
      try {
        choice = Backends.select(name, gpuOptions(), convolutions, gemms);
      } catch (Backends.PrecisionUnavailableException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      try (Backend backend = choice.backend()) {
        String startDescription = backend.description();
        if (!json) {
          err.printf("vae4j: bench %s%s on %s (%s)%n", options.config().describe(), inference ? " inference" : "", name,
              startDescription);
        }
        Benchmark.Result result;
        try (WarmupProgress warmup = WarmupProgress.start(options.maxWarmupSeconds())) {
          result = inference ? Benchmark.runInference(backend, images, options, warmup)
              : Benchmark.run(backend, images, options, warmup);
        }
        results.add(result);
        if (!json && !result.backendDescription().equals(startDescription)) {
          // What the backend learnt while it ran, e.g. that the JVM refused the CPU loops' JIT directive.
          err.printf("vae4j: %s after the run: %s%n", name, result.backendDescription());
        }
        if (breakdown && name.equals("cpu")) {
          breakdowns.put(result, Benchmark.breakdown(backend, images, options, result.workload()));
        } else if (breakdown) {
          err.println("vae4j: no --breakdown for " + name + ": it queues ops asynchronously, so host times say when "
              + "they were queued, not how long they ran (Nsight Systems shows the GPU's timeline)");
        }
      }
    }
    List<ModelsAtOnce.Result> together = models == 1 ? List.of() : modelsAtOnce(images, options, results, gemms);
    if (json) {
      ObjectMapper mapper = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
      ArrayNode array = mapper.createArrayNode();
      for (Benchmark.Result r : results) {
        ObjectNode node = mapper.valueToTree(r);
        if (breakdowns.containsKey(r)) node.set("breakdown", mapper.valueToTree(breakdowns.get(r)));
        array.add(node);
      }
      ArrayNode atOnce = mapper.createArrayNode();
      for (ModelsAtOnce.Result r : together) {
        ObjectNode node = mapper.valueToTree(r);
        node.put("speedup_over_one_model", r.aggregateSamplesPerSecond() / alone(r, results));
        atOnce.add(node);
      }
      // One backend's models at once as an object (the usual case, --device given); both backends' as an array.
      Object document = models == 1 ? array
          : Map.of("one_model", array, "models_at_once", atOnce.size() == 1 ? atOnce.get(0) : atOnce);
      out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(document));
    } else {
      printTable(out, results);
      breakdowns.forEach((r, b) -> printBreakdown(out, r, b));
      for (ModelsAtOnce.Result r : together) printModelsAtOnce(out, r, results);
      out.println("precision: " + gemms.text() + (gemms == Precision.BF16
          ? " (GEMMs read bfloat16 copies of weights and activations, accumulating in float32)" : ""));
    }
    return 0;
  }

  /** Where the step's time goes, op by op, against the GEMMs alone. */
  static void printBreakdown(PrintWriter out, Benchmark.Result r, StepBreakdown b) {
    String step = r.workload().equals(Benchmark.TRAINING) ? "step" : "inference pass";
    out.printf(Locale.ROOT, "%s: where a%s %s's %.3f ms go on each of its %d row parts' cores (%d timed, every op timed):%n",
        r.backend(), step.startsWith("i") ? "n" : "", step, b.msPerStep(), b.parts(), r.steps());
    out.printf(Locale.ROOT, "  %-26s %6s %9s %7s%n", "op", "calls", "ms/step", "share");
    for (StepBreakdown.OpTime op : b.ops()) {
      out.printf(Locale.ROOT, "  %-26s %6.1f %9.3f %6.1f%%%n", op.op(), op.callsPerStep(), op.msPerStep(),
          100 * op.msPerStep() / b.msPerStep());
    }
    out.printf(Locale.ROOT, "  %-26s %6s %9.3f %6.1f%%  (orchestration, and waiting for the other parts)%n",
        "between the ops", "", b.betweenOpsMs(), 100 * b.betweenOpsMs() / b.msPerStep());
    if (b.busy().size() > 1) {
      String threads = b.busy().stream().map(t -> String.format(Locale.ROOT, "%.3f ms (%s)", t.msPerStep(), t.thread()))
          .collect(Collectors.joining(", "));
      out.printf(Locale.ROOT, "  each thread's time in the ops: %s; the step takes %.3f ms more than its busiest thread%n",
          threads, b.beyondBusiestThreadMs());
    }
    double forwardOps = b.msOf("linearForward", "convForward");
    double backwardOps = b.msOf("linearBackward", "convBackwardWeights", "convBackwardData");
    out.printf(Locale.ROOT, "  GEMMs alone: forward %.3f ms (the forward layer ops take %.3f), backward %.3f ms "
        + "(the backward layer ops take %.3f): %.3f ms of the " + step + " is outside the GEMMs%n", b.forwardGemmsMs(),
        forwardOps, b.backwardGemmsMs(), backwardOps, b.msPerStep() - b.forwardGemmsMs() - b.backwardGemmsMs());
    if (b.moments() > 0) {
      out.printf(Locale.ROOT, "  optimizer state after the timed steps: %,d of its %,d moments subnormal%n", b.subnormalMoments(),
          b.moments());
    }
  }

  /** The CUDA backend's settings: {@code --tf32}, graphs as the system properties say (on by default). */
  private Backends.GpuOptions gpuOptions() {
    return new Backends.GpuOptions(tf32 || Backends.GpuOptions.defaults().tf32(), Backends.GpuOptions.defaults().graphs());
  }

  /** Whether the CPU trains {@code --models M} stacked ({@code --models-mode stacked}) rather than side by side. */
  private boolean cpuStacked() {
    return ModelsAtOnce.STACKED.equals(modelsMode);
  }

  /** A bad {@code --models-mode}, or one no backend asked for can run, is a usage error. */
  private void checkModelsMode(boolean convolutions, Precision gemms) {
    if (modelsMode != null && !modelsMode.equals(ModelsAtOnce.SIDE_BY_SIDE) && !modelsMode.equals(ModelsAtOnce.STACKED)) {
      throw new ParameterException(spec.commandLine(), "--models-mode must be side-by-side or stacked, got '" + modelsMode + "'");
    }
    boolean cuda = device != null && device.equalsIgnoreCase("cuda");
    if (cuda && ModelsAtOnce.SIDE_BY_SIDE.equals(modelsMode)) {
      throw new ParameterException(spec.commandLine(), "--models-mode side-by-side is for the CPU: CUDA trains --models M stacked");
    }
    boolean stacked = cuda || cpuStacked();
    if (models > 1 && gemms != Precision.FP32 && stacked) {
      // The stacked step's GEMMs are FP32 (StackedOps has no bf16 path): a ratio against a bf16 row would mislead.
      throw new ParameterException(spec.commandLine(), "--models " + models + " stacked (" + (cuda ? "on CUDA" : "--models-mode stacked")
          + ") trains in fp32 only, not with --precision " + gemms.text());
    }
    if (models > 1 && convolutions && stacked) {
      throw new ParameterException(spec.commandLine(), "--models " + models + " stacked (" + (cuda ? "on CUDA" : "--models-mode stacked")
          + ") takes MLP models, not --conv");
    }
  }

  /**
   * {@code --models M} on each backend measured: on the CPU side by side, each backend confined to
   * its share of the cores, or stacked ({@code --models-mode}); on CUDA stacked, where a conv or
   * bf16 model (no stacked step) is skipped, saying so.
   */
  private List<ModelsAtOnce.Result> modelsAtOnce(Dataset images, Benchmark.Options options, List<Benchmark.Result> results,
      Precision gemms)
      throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    boolean convolutions = options.config().convolutional();
    List<ModelsAtOnce.Result> out = new ArrayList<>();
    for (Benchmark.Result one : results) {
      String name = one.backend();
      if (name.equals("cpu") && !cpuStacked()) {
        out.add(sideBySide(images, options, gemms));
      } else if (convolutions || gemms != Precision.FP32) {
        err.printf("vae4j: --models %d: not on %s for %s (stacked training takes fp32 MLP models)%n", models, name,
            convolutions ? "--conv models" : "--precision " + gemms.text());
      } else {
        try (Backend backend = Backends.select(name, gpuOptions(), false).backend();
            WarmupProgress warmup = WarmupProgress.start(options.maxWarmupSeconds())) {
          if (!json) err.printf("vae4j: bench %d models %s at once on %s, stacked in one step (%s)%n", models,
              options.config().describe(), name, backend.description());
          out.add(ModelsAtOnce.runStacked(backend, images, options, models, warmup));
        }
      }
    }
    return out;
  }

  /** {@code --models M} side by side on the CPU: M backends, each confined to its share of the cores. */
  private ModelsAtOnce.Result sideBySide(Dataset images, Benchmark.Options options, Precision gemms)
      throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    int cores = Math.max(1, Runtime.getRuntime().availableProcessors() / models);
    boolean convolutions = options.config().convolutional();
    List<Backend> backends = new ArrayList<>();
    try {
      for (int m = 0; m < models; m++) {
        backends.add(Backends.select("cpu", Backends.GpuOptions.defaults(), convolutions, gemms, cores).backend());
      }
      if (!json) err.printf("vae4j: bench %d models %s at once on cpu side by side, each on %d core%s (%s)%n", models,
          options.config().describe(), cores, cores == 1 ? "" : "s", backends.get(0).description());
      return ModelsAtOnce.run(backends, images, options);
    } finally {
      for (Backend b : backends) b.close();
    }
  }

  /** The one-model rate on {@code r}'s backend, the models at once's yardstick. */
  private static double alone(ModelsAtOnce.Result r, List<Benchmark.Result> results) {
    return results.stream().filter(x -> x.backend().equals(r.backend())).mapToDouble(Benchmark.Result::samplesPerSecond)
        .findFirst().orElse(Double.NaN);
  }

  private static void printModelsAtOnce(PrintWriter out, ModelsAtOnce.Result r, List<Benchmark.Result> results) {
    StringBuilder each = new StringBuilder();
    for (double rate : r.samplesPerSecond()) each.append(each.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%,.0f", rate));
    boolean stacked = r.mode().equals(ModelsAtOnce.STACKED);
    out.printf(Locale.ROOT, "%s: %d models %s at once, %s (batch %d, %d timed steps each): %,.0f samples/s in all, "
        + "%.3f ms per %s, %.2fx one model alone%s%n", r.backend(), r.models(), r.model(), r.mode(), r.batchSize(), r.steps(),
        r.aggregateSamplesPerSecond(), r.msPerStep(), stacked ? "stacked step" : "step of all " + r.models(),
        r.aggregateSamplesPerSecond() / alone(r, results), stacked ? "" : "; each model's samples/s: " + each);
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
      out.printf(Locale.ROOT, "%s: the %s reaches %.0f%% of its GEMM-only rate (%,.0f samples/s if only GEMMs ran); "
          + "the first step began %.2f s after start; timed after %,d warm-up steps (%.1f s, %s); data: %s%n", r.backend(),
          r.workload().equals(Benchmark.TRAINING) ? "training step" : "inference pass", 100 * r.gflopsAchieved() / r.gemmOnlyGflops(), r.gemmOnlySamplesPerSecond(), r.secondsToFirstStepStart(),
          r.warmupSteps(), r.warmupSeconds(),
          r.jitQuiet() ? "until the JIT compiler went quiet" : "the JIT compiler not known to be quiet", r.data());
    }
    if (!results.isEmpty()) out.println("machine: " + results.get(0).machine().describe());
  }
}
