package dev.vae4j.bench;

import dev.vae4j.Vae;
import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.Tensor;
import dev.vae4j.data.Dataset;
import dev.vae4j.model.ParameterLayout;
import dev.vae4j.model.StepGemms;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.Workspace;
import dev.vae4j.model.layer.GemmShape;
import dev.vae4j.train.EpochOrder;
import dev.vae4j.train.ResidentImages;
import dev.vae4j.train.Trainer;
import dev.vae4j.train.TrainingStep;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleConsumer;
import java.util.function.Predicate;

/**
 * Training throughput of one VAE configuration on one backend, for people who do not want to learn
 * JMH (the JMH suite under {@code benchmarks/} is the precise tool). It trains for a fixed number
 * of steps exactly as {@link Trainer} does (data resident in the backend, a shuffled gather per
 * batch, recorded steps, losses summed on the device), excludes warm-up steps from the timing,
 * and waits for asynchronous work before stopping the clock. It then times the step's GEMMs alone
 * on the same shapes, which bounds what the step could reach if everything else were free.
 */
public final class Benchmark {
  /** Linux's USER_HZ, the unit of /proc's process times: 100 on every mainstream kernel. */
  private static final int CLOCK_TICKS_PER_SECOND = 100;

  /** {@link Result#workload} of a training benchmark. */
  public static final String TRAINING = "training";
  /** {@link Result#workload} of an inference benchmark. */
  public static final String INFERENCE = "inference";

  private Benchmark() {}

  /**
   * What to measure.
   *
   * @param config the model
   * @param batchSize rows per step
   * @param steps timed training steps
   * @param warmupSteps untimed steps first (JIT compilation, GPU graph upload, caches), at least
   * @param seed initialization and noise seed
   * @param maxWarmupSeconds after {@code warmupSteps}, how long to go on warming up until the JIT
   *     compiler goes quiet ({@link JitWarmup}); 0 for none
   * @param rounds into how many rounds of (nearly) equal step counts the timed steps are split, each
   *     timed alone, so that the result shows how much the rate moved while it was measured
   */
  public record Options(VaeConfig config, int batchSize, int steps, int warmupSteps, long seed, double maxWarmupSeconds,
      int rounds) {
    /** Seconds a warm-up may take, by default, before the JIT compiler goes quiet. */
    public static final double DEFAULT_MAX_WARMUP_SECONDS = 30;
    /** Timed rounds, by default (fewer when there are fewer timed steps). */
    private static final int DEFAULT_ROUNDS = 5;

    public Options {
      if (batchSize <= 0) throw new IllegalArgumentException("batch size must be > 0, got " + batchSize);
      if (steps <= 0) throw new IllegalArgumentException("steps must be > 0, got " + steps);
      if (warmupSteps < 0) throw new IllegalArgumentException("warm-up steps must be >= 0, got " + warmupSteps);
      if (!(maxWarmupSeconds >= 0) || Double.isInfinite(maxWarmupSeconds)) {
        throw new IllegalArgumentException("maximum warm-up seconds must be finite and >= 0, got " + maxWarmupSeconds);
      }
      if (rounds <= 0 || rounds > steps) {
        throw new IllegalArgumentException("rounds must be between 1 and the " + steps + " timed steps, got " + rounds);
      }
    }

    /** With the default maximum warm-up and rounds ({@link #DEFAULT_MAX_WARMUP_SECONDS}, {@link #defaultRounds}). */
    public Options(VaeConfig config, int batchSize, int steps, int warmupSteps, long seed) {
      this(config, batchSize, steps, warmupSteps, seed, DEFAULT_MAX_WARMUP_SECONDS, defaultRounds(steps));
    }

    /** Timed steps in round {@code round} (0-based): the steps split as evenly as they go, the first rounds one more. */
    public int stepsInRound(int round) {
      return steps / rounds + (round < steps % rounds ? 1 : 0);
    }

    /** {@link #DEFAULT_ROUNDS}, or one round per step when there are fewer timed steps. */
    public static int defaultRounds(int steps) {
      return Math.min(DEFAULT_ROUNDS, steps);
    }
  }

  /**
   * What was measured.
   *
   * @param backend the backend's name ({@code cpu}, {@code cuda})
   * @param backendDescription the backend's one-line description
   * @param model e.g. {@code 784-400-20}
   * @param data where the images came from
   * @param samplesPerSecond training samples per second over the timed steps
   * @param rounds how many rounds the timed steps ran in ({@link Options#rounds})
   * @param slowestRoundSamplesPerSecond samples per second of the slowest round
   * @param fastestRoundSamplesPerSecond samples per second of the fastest round
   * @param msPerStep milliseconds per training step
   * @param gflopPerStep GEMM work of one step, in GFLOP (the elementwise ops are not counted)
   * @param gflopsAchieved {@code gflopPerStep} per second of whole training steps
   * @param gemmOnlyGflops GFLOP/s of the step's GEMMs run alone: the ceiling for this backend
   * @param gemmOnlySamplesPerSecond samples/s a step made only of its GEMMs reaches
   * @param peakResidentBytes the process's peak resident memory so far (Linux), or -1
   * @param secondsToFirstStepStart from process start to the start of the first training step (the
   *     backend made, the data resident, the buffers allocated), or NaN
   * @param secondsToFirstStep from process start to the end of the first training step, or NaN
   * @param warmupSteps untimed steps run before the timed ones, the first included
   * @param warmupSeconds their wall-clock time
   * @param jitQuiet whether the JIT compiler had gone quiet when the timing began ({@link JitWarmup})
   * @param machine what it ran on
   * @param workload {@code training} (steps, the default) or {@code inference} (encode, sample and
   *     decode passes without gradients; "steps" are then passes)
   */
  public record Result(String backend, String backendDescription, String model, int batchSize, int steps,
      String data, double samplesPerSecond, int rounds, double slowestRoundSamplesPerSecond,
      double fastestRoundSamplesPerSecond, double msPerStep, double gflopPerStep, double gflopsAchieved,
      double gemmOnlyGflops, double gemmOnlySamplesPerSecond, long peakResidentBytes, double secondsToFirstStepStart,
      double secondsToFirstStep, long warmupSteps, double warmupSeconds, boolean jitQuiet, Machine machine,
      String workload) {
    /** A result field by field, each named as in the record (unset numbers are 0, NaN for the start-up times). */
    public static Builder builder() {
      return new Builder();
    }

    /** Builds a {@link Result} from named fields. */
    public static final class Builder {
      private String backend;
      private String backendDescription;
      private String model;
      private int batchSize;
      private int steps;
      private String data;
      private double samplesPerSecond;
      private int rounds;
      private double slowestRoundSamplesPerSecond;
      private double fastestRoundSamplesPerSecond;
      private double msPerStep;
      private double gflopPerStep;
      private double gflopsAchieved;
      private double gemmOnlyGflops;
      private double gemmOnlySamplesPerSecond;
      private long peakResidentBytes = -1;
      private double secondsToFirstStepStart = Double.NaN;
      private double secondsToFirstStep = Double.NaN;
      private long warmupSteps;
      private double warmupSeconds;
      private boolean jitQuiet;
      private Machine machine;
      private String workload = TRAINING;

      private Builder() {}

      /** See {@link Result#backend}. */
      public Builder backend(String backend) {
        this.backend = backend;
        return this;
      }

      /** See {@link Result#backendDescription}. */
      public Builder backendDescription(String backendDescription) {
        this.backendDescription = backendDescription;
        return this;
      }

      /** See {@link Result#model}. */
      public Builder model(String model) {
        this.model = model;
        return this;
      }

      /** See {@link Result#batchSize}. */
      public Builder batchSize(int batchSize) {
        this.batchSize = batchSize;
        return this;
      }

      /** See {@link Result#steps}. */
      public Builder steps(int steps) {
        this.steps = steps;
        return this;
      }

      /** See {@link Result#data}. */
      public Builder data(String data) {
        this.data = data;
        return this;
      }

      /** See {@link Result#samplesPerSecond}. */
      public Builder samplesPerSecond(double samplesPerSecond) {
        this.samplesPerSecond = samplesPerSecond;
        return this;
      }

      /** See {@link Result#rounds}. */
      public Builder rounds(int rounds) {
        this.rounds = rounds;
        return this;
      }

      /** See {@link Result#slowestRoundSamplesPerSecond}. */
      public Builder slowestRoundSamplesPerSecond(double slowestRoundSamplesPerSecond) {
        this.slowestRoundSamplesPerSecond = slowestRoundSamplesPerSecond;
        return this;
      }

      /** See {@link Result#fastestRoundSamplesPerSecond}. */
      public Builder fastestRoundSamplesPerSecond(double fastestRoundSamplesPerSecond) {
        this.fastestRoundSamplesPerSecond = fastestRoundSamplesPerSecond;
        return this;
      }

      /** See {@link Result#msPerStep}. */
      public Builder msPerStep(double msPerStep) {
        this.msPerStep = msPerStep;
        return this;
      }

      /** See {@link Result#gflopPerStep}. */
      public Builder gflopPerStep(double gflopPerStep) {
        this.gflopPerStep = gflopPerStep;
        return this;
      }

      /** See {@link Result#gflopsAchieved}. */
      public Builder gflopsAchieved(double gflopsAchieved) {
        this.gflopsAchieved = gflopsAchieved;
        return this;
      }

      /** See {@link Result#gemmOnlyGflops}. */
      public Builder gemmOnlyGflops(double gemmOnlyGflops) {
        this.gemmOnlyGflops = gemmOnlyGflops;
        return this;
      }

      /** See {@link Result#gemmOnlySamplesPerSecond}. */
      public Builder gemmOnlySamplesPerSecond(double gemmOnlySamplesPerSecond) {
        this.gemmOnlySamplesPerSecond = gemmOnlySamplesPerSecond;
        return this;
      }

      /** See {@link Result#peakResidentBytes}. */
      public Builder peakResidentBytes(long peakResidentBytes) {
        this.peakResidentBytes = peakResidentBytes;
        return this;
      }

      /** See {@link Result#secondsToFirstStepStart}. */
      public Builder secondsToFirstStepStart(double secondsToFirstStepStart) {
        this.secondsToFirstStepStart = secondsToFirstStepStart;
        return this;
      }

      /** See {@link Result#secondsToFirstStep}. */
      public Builder secondsToFirstStep(double secondsToFirstStep) {
        this.secondsToFirstStep = secondsToFirstStep;
        return this;
      }

      /** See {@link Result#warmupSteps}. */
      public Builder warmupSteps(long warmupSteps) {
        this.warmupSteps = warmupSteps;
        return this;
      }

      /** See {@link Result#warmupSeconds}. */
      public Builder warmupSeconds(double warmupSeconds) {
        this.warmupSeconds = warmupSeconds;
        return this;
      }

      /** See {@link Result#jitQuiet}. */
      public Builder jitQuiet(boolean jitQuiet) {
        this.jitQuiet = jitQuiet;
        return this;
      }

      /** See {@link Result#machine}. */
      public Builder machine(Machine machine) {
        this.machine = machine;
        return this;
      }

      /** See {@link Result#workload}. */
      public Builder workload(String workload) {
        this.workload = workload;
        return this;
      }

      /** The result. */
      public Result build() {
        return new Result(backend, backendDescription, model, batchSize, steps, data, samplesPerSecond, rounds,
            slowestRoundSamplesPerSecond, fastestRoundSamplesPerSecond, msPerStep, gflopPerStep, gflopsAchieved,
            gemmOnlyGflops, gemmOnlySamplesPerSecond, peakResidentBytes, secondsToFirstStepStart, secondsToFirstStep,
            warmupSteps, warmupSeconds, jitQuiet, machine, workload);
      }
    }
  }

  /**
   * {@code count} synthetic images of {@code height x width} uniform 8-bit pixels (k / 255, as in
   * IDX files, so that they take the same path through the backend as MNIST) from {@code seed}.
   * Eight random bytes per draw: drawing a double per pixel took ~80 ms of `bench`'s start-up for
   * its 8,192 images, and uploading them as floats as long again.
   */
  public static Dataset syntheticImages(int count, int height, int width, long seed) {
    byte[] pixels = new byte[Math.multiplyExact(count, height * width)];
    new SplittableRandom(seed).nextBytes(pixels);
    return Dataset.ofBytes("synthetic", pixels, null, count, height, width);
  }

  /** Trains on {@code data} for {@code options.steps()} timed steps on {@code backend}. */
  public static Result run(Backend backend, Dataset data, Options options) {
    return run(backend, data, options, seconds -> {});
  }

  /**
   * {@link #run(Backend, Dataset, Options)}, telling {@code warmupProgress} how long the warm-up
   * until the JIT compiler goes quiet has run, every half second or so of it (for a progress bar,
   * which must stop before the timed rounds: it is told {@code maxWarmupSeconds} at the end).
   */
  public static Result run(Backend backend, Dataset data, Options options, DoubleConsumer warmupProgress) {
    return measure(backend, data, options, warmupProgress, TRAINING);
  }

  /**
   * Inference throughput instead of training: {@code options.steps()} timed passes of {@code
   * options.batchSize()} rows ({@link InferencePasses}) against the forward GEMMs' own rate.
   */
  public static Result runInference(Backend backend, Dataset data, Options options, DoubleConsumer warmupProgress) {
    return measure(backend, data, options, warmupProgress, INFERENCE);
  }

  private static Result measure(Backend backend, Dataset data, Options options, DoubleConsumer warmupProgress,
      String workload) {
    VaeConfig config = options.config();
    if (data.features() != config.inputSize()) {
      throw new IllegalArgumentException("the model takes " + config.inputSize() + " pixels per image but "
          + data.name() + " has " + data.features());
    }
    if (options.batchSize() > data.count()) {
      throw new IllegalArgumentException("batch size " + options.batchSize() + " is larger than the "
          + data.count() + " images of " + data.name());
    }
    int batch = options.batchSize();
    ParameterLayout layout = new ParameterLayout(config);
    boolean training = workload.equals(TRAINING);
    double gflopPerStep = GemmShape.flops(training ? StepGemms.trainingStep(layout, batch)
        : StepGemms.inference(layout, batch)) / 1e9;

    Vae vae = Vae.create(config, backend, options.seed());
    int parts = vae.network().partsFor(batch);
    try (Passes loop = passes(workload, vae, data, batch, options.seed())) {
      backend.synchronize();
      double toFirstStepStart = secondsSinceProcessStart();
      long warmupStart = System.nanoTime();
      loop.run(1);
      backend.synchronize();
      double toFirstStep = secondsSinceProcessStart();
      loop.run(Math.max(0, options.warmupSteps() - 1));
      JitWarmup.Outcome untilQuiet = warmUntilCompiled(loop, options.maxWarmupSeconds(), warmupProgress);
      warmupProgress.accept(options.maxWarmupSeconds());
      backend.synchronize();
      double warmupSeconds = (System.nanoTime() - warmupStart) / 1e9;
      double seconds = 0, slowest = Double.POSITIVE_INFINITY, fastest = 0;
      for (int r = 0; r < options.rounds(); r++) {
        int roundSteps = options.stepsInRound(r);
        double roundSeconds = loop.timed(roundSteps), rate = batch * roundSteps / roundSeconds;
        seconds += roundSeconds;
        slowest = Math.min(slowest, rate);
        fastest = Math.max(fastest, rate);
      }
      double stepSeconds = seconds / options.steps();
      double gemmSeconds = timeGemmsAlone(backend, layout, batch, parts, options.steps(), options.warmupSteps(),
          training ? g -> true : FORWARD);
      return Result.builder()
          .backend(backend.name()).backendDescription(backend.description())
          .model(config.describe()).batchSize(batch).steps(options.steps()).data(data.name())
          .samplesPerSecond(batch / stepSeconds)
          .rounds(options.rounds()).slowestRoundSamplesPerSecond(slowest).fastestRoundSamplesPerSecond(fastest)
          .msPerStep(1e3 * stepSeconds)
          .gflopPerStep(gflopPerStep).gflopsAchieved(gflopPerStep / stepSeconds)
          .gemmOnlyGflops(gflopPerStep / gemmSeconds).gemmOnlySamplesPerSecond(batch / gemmSeconds)
          .peakResidentBytes(peakResidentBytes())
          .secondsToFirstStepStart(toFirstStepStart).secondsToFirstStep(toFirstStep)
          .warmupSteps(Math.max(1, options.warmupSteps()) + untilQuiet.steps()).warmupSeconds(warmupSeconds)
          .jitQuiet(untilQuiet.quiet())
          .machine(Machine.current())
          .workload(workload)
          .build();
    }
  }

  /** The GEMMs of the forward passes (each layer's {@code x W^T}). */
  private static final Predicate<GemmShape> FORWARD = g -> g.role().endsWith(" forward");

  private static Passes passes(String workload, Vae vae, Dataset data, int batch, long seed) {
    return switch (workload) {
      case TRAINING -> new TrainingSteps(vae, data, batch, seed);
      case INFERENCE -> new InferencePasses(vae, data, batch, seed);
      default -> throw new IllegalArgumentException("no workload '" + workload + "': training or inference");
    };
  }

  /**
   * Where the step's time goes on {@code backend}, which must run each op before returning (the CPU
   * backend; on an asynchronous one the host times say when ops were queued): {@code
   * options.steps()} more steps with every op call timed ({@link OpTimings}) after {@code
   * options.warmupSteps()} untimed ones, and the forward and backward GEMMs timed alone. Best run
   * after {@link #run} on the same backend, so that the JIT compiler has compiled the step already.
   */
  public static StepBreakdown breakdown(Backend backend, Dataset data, Options options) {
    return breakdown(backend, data, options, TRAINING);
  }

  /** {@link #breakdown(Backend, Dataset, Options)} of training steps or of inference passes ({@code workload}). */
  public static StepBreakdown breakdown(Backend backend, Dataset data, Options options, String workload) {
    VaeConfig config = options.config();
    int batch = options.batchSize();
    OpTimings timings = OpTimings.around(backend);
    Vae vae = Vae.create(config, timings.backend(), options.seed());
    int parts = vae.network().partsFor(batch);
    double stepSeconds;
    List<StepBreakdown.OpTime> ops;
    List<StepBreakdown.ThreadTime> busy;
    long subnormalMoments;
    try (Passes loop = passes(workload, vae, data, batch, options.seed())) {
      loop.run(Math.max(1, options.warmupSteps()));
      timings.reset();
      stepSeconds = loop.timed(options.steps()) / options.steps();
      ops = timings.perStep(options.steps(), parts);
      busy = timings.busyPerThread(options.steps());
      subnormalMoments = loop.subnormalMoments();
    }
    ParameterLayout layout = new ParameterLayout(config);
    double forwardGemms = timeGemmsAlone(backend, layout, batch, parts, options.steps(), options.warmupSteps(), FORWARD);
    double backwardGemms = workload.equals(TRAINING)
        ? timeGemmsAlone(backend, layout, batch, parts, options.steps(), options.warmupSteps(), FORWARD.negate()) : 0;
    long moments = workload.equals(TRAINING) ? 2 * layout.size() : 0; // Adam's first and second moments
    return new StepBreakdown(1e3 * stepSeconds, parts, ops, 1e3 * forwardGemms, 1e3 * backwardGemms, subnormalMoments,
        moments, busy);
  }

  /**
   * Trains on until the JIT compiler has gone quiet ({@link JitWarmup}), for at most {@code
   * maxSeconds}; nothing when that is 0 or the JVM cannot report its compilation time.
   */
  static JitWarmup.Outcome warmUntilCompiled(Passes loop, double maxSeconds, DoubleConsumer progress) {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    if (maxSeconds == 0 || jit == null || !jit.isCompilationTimeMonitoringSupported()) {
      return new JitWarmup.Outcome(0, 0, false);
    }
    return JitWarmup.run(loop::timed, jit::getTotalCompilationTime, maxSeconds, progress);
  }

  /**
   * Seconds per step of a step made of its GEMMs only (those {@code which} picks), run as {@link TrainingStep} runs them: the
   * batch split into {@code parts} blocks of rows, each block's GEMMs on its own core ({@link
   * Backend#inParallel}) on fresh random operands of its own except the weights, which the parts
   * share as in training, after {@code warmup} untimed steps.
   * (Timing the whole batch's GEMMs on all cores at once instead, as this did until 2026-11-25,
   * measured a slower way of running them: oneDNN's two-thread 128-row GEMMs reach 250-300 GFLOP/s
   * on the dev machine, two one-thread 64-row GEMMs side by side about 360.)
   */
  static double timeGemmsAlone(Backend backend, ParameterLayout layout, int batch, int parts, int steps, int warmup,
      Predicate<GemmShape> which) {
    SplittableRandom random = new SplittableRandom(42);
    int partRows = (batch + parts - 1) / parts;
    List<List<GemmShape>> shapes = new ArrayList<>();
    List<List<Tensor[]>> operands = new ArrayList<>();
    List<Tensor> weights = new ArrayList<>();
    for (int p = 0; p < parts; p++) {
      List<GemmShape> gemms = StepGemms.trainingStep(layout, Math.min(partRows, batch - p * partRows)).stream()
          .filter(which).toList();
      List<Tensor[]> tensors = new ArrayList<>();
      for (int i = 0; i < gemms.size(); i++) {
        GemmShape g = gemms.get(i);
        // B is a weight matrix in forward and input-gradient GEMMs, which every part reads.
        boolean readsWeights = !g.role().endsWith("weight grad");
        if (p == 0) weights.add(readsWeights ? randomTensor(backend, (long) g.k() * g.n(), random) : null);
        tensors.add(new Tensor[] {
            randomTensor(backend, (long) g.m() * g.k(), random),
            readsWeights ? weights.get(i) : randomTensor(backend, (long) g.k() * g.n(), random),
            backend.allocate((long) g.m() * g.n())});
      }
      shapes.add(gemms);
      operands.add(tensors);
    }
    Runnable step = () -> backend.inParallel(parts, p -> {
      for (int i = 0; i < shapes.get(p).size(); i++) {
        GemmShape g = shapes.get(p).get(i);
        Tensor[] t = operands.get(p).get(i);
        backend.gemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), 1f, t[0], t[1], 0f, t[2]);
      }
    });
    try {
      replay(backend, step, Math.max(1, warmup));
      backend.synchronize();
      long start = System.nanoTime();
      replay(backend, step, steps);
      backend.synchronize();
      return (System.nanoTime() - start) / 1e9 / steps;
    } finally {
      java.util.Set<Tensor> all = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      for (List<Tensor[]> part : operands) for (Tensor[] t : part) all.addAll(List.of(t));
      for (Tensor x : all) backend.release(x);
    }
  }

  private static void replay(Backend backend, Runnable body, int times) {
    try (Backend.RecordedStep recorded = backend.recordStep(k -> body.run())) {
      for (int i = 0; i < times; i++) recorded.replay();
    }
  }

  private static Tensor randomTensor(Backend backend, long length, SplittableRandom random) {
    float[] values = new float[Math.toIntExact(length)];
    for (int i = 0; i < values.length; i++) values[i] = (float) (random.nextDouble() * 2 - 1);
    Tensor t = backend.allocate(length);
    backend.upload(values, t);
    return t;
  }

  /** Peak resident set size of this process (VmHWM), or -1 where /proc is unavailable. */
  public static long peakResidentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /**
   * Seconds since this process started: on Linux from {@code /proc} (the process's start in clock
   * ticks since boot, against {@code /proc/uptime}; both to 10 ms), elsewhere the JVM's own uptime,
   * which leaves out the launcher's few milliseconds. Not {@code ProcessHandle}'s start instant: on
   * Linux it adds the start in ticks to the boot time in whole seconds, and so read 0.4 s late on
   * the dev VM, a constant error of up to a second that the first-step times once included.
   */
  public static double secondsSinceProcessStart() {
    try {
      double uptime = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).trim().split("\\s+")[0]);
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // Fields after the command name, which may hold spaces and ends at the last ')'; starttime is field 22.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      long startTicks = Long.parseLong(fields[22 - 3]);
      // Rounded to the clocks' 10 ms, so that --json prints 0.43, not 0.43000000000006366.
      return Math.round((uptime - startTicks / (double) CLOCK_TICKS_PER_SECOND) * 100) / 100.0;
    } catch (IOException | RuntimeException e) {
      return ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
    }
  }

  /**
   * The training step of {@link Trainer} on data resident in the backend, run a given number of
   * times: batches follow one fixed shuffle of the images, each run of consecutive batches within
   * an epoch is one recorded step (a CUDA graph on the GPU). For benchmarks; {@link Trainer} is
   * the way to train.
   */
  public static final class TrainingSteps extends RecordedEpochs {
    private final Backend backend;
    private final int batch;
    private final long seed;
    private final Tensor images;
    private final IndexTensor order;
    private final TrainingStep training;
    private final AdamParams hyper = AdamParams.pytorchDefaults(1e-3);

    /** Uploads {@code data} and allocates everything the steps need. */
    public TrainingSteps(Vae vae, Dataset data, int batch, long seed) {
      super(vae.backend(), stepsPerEpoch(data, batch));
      this.backend = vae.backend();
      this.batch = batch;
      this.seed = seed;
      this.images = ResidentImages.upload(backend, data.features(), data);
      this.order = backend.allocateIndices(data.count());
      backend.uploadIndices(EpochOrder.shuffledRange(data.count(), new SplittableRandom(seed)), order);
      this.training = TrainingStep.allocate(vae, batch);
    }

    /** Full batches of {@code batch} rows in {@code data}, which must hold one at least. */
    static int stepsPerEpoch(Dataset data, int batch) {
      if (batch > data.count()) {
        throw new IllegalArgumentException("batch size " + batch + " is larger than the " + data.count() + " images");
      }
      return data.count() / batch;
    }

    @Override
    void step(int position, long step) {
      training.run(images, order, position * batch, batch, seed, step, 1f, hyper);
    }

    @Override
    Tensor lastWritten() {
      return training.lossSums();
    }

    @Override
    public long subnormalMoments() {
      return training.optimizer().subnormalMoments();
    }

    /** Frees the data and buffers (not the model). */
    @Override
    public void close() {
      closeRecording();
      backend.release(images);
      backend.release(order);
      training.release();
    }
  }

  /** What a benchmark repeats: training steps or inference passes. */
  interface Passes extends AutoCloseable {
    /** Queues {@code n} of them; asynchronous backends may still be running them on return. */
    void run(int n);

    /** Wall-clock seconds of {@code n} of them, waiting for all to finish. */
    double timed(int n);

    /** Subnormal values in the optimizer's state now; 0 without one. */
    default long subnormalMoments() {
      return 0;
    }

    @Override
    void close();
  }

  /**
   * Inference passes as {@code eval}, {@code score} and the pictures run them: {@code batch}
   * images encoded, z sampled and decoded to the likelihood's outputs, without gradients, the rows
   * split into one part per core ({@link dev.vae4j.model.VaeNetwork#forwardInParts}). The same
   * images every pass: inference reads its input once, so there is no shuffle to imitate.
   */
  static final class InferencePasses implements Passes {
    private final Vae vae;
    private final Workspace workspace;
    private final int batch;

    InferencePasses(Vae vae, Dataset data, int batch, long seed) {
      this.vae = vae;
      this.batch = batch;
      this.workspace = vae.network().workspace(batch, false);
      float[] x = new float[Math.multiplyExact(batch, data.features())];
      data.copyPixels(0, batch, x, 0);
      vae.backend().upload(x, 0, workspace.input(), 0, x.length);
      vae.backend().normalNoise(workspace.eps(), seed, 1);
    }

    @Override
    public void run(int n) {
      for (int i = 0; i < n; i++) vae.network().forwardInParts(workspace, batch);
    }

    @Override
    public double timed(int n) {
      vae.backend().synchronize();
      long start = System.nanoTime();
      run(n);
      vae.backend().synchronize();
      return (System.nanoTime() - start) / 1e9;
    }

    @Override
    public void close() {
      workspace.release(vae.backend());
    }
  }
}
