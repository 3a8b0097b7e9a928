package dev.vae4j.cli;

import dev.vae4j.Backends;
import dev.vae4j.Vae;
import dev.vae4j.backend.ActivationFunction;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.Precision;
import dev.vae4j.data.DataSpec;
import dev.vae4j.data.Dataset;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.data.Datasets;
import dev.vae4j.data.PixelNoise;
import dev.vae4j.io.FormatException;
import dev.vae4j.model.HiddenActivations;
import dev.vae4j.model.VaeNetwork;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.layer.Shape;
import dev.vae4j.plot.ChartUnavailableException;
import dev.vae4j.run.RunConfig;
import dev.vae4j.run.RunDirectory;
import dev.vae4j.run.TensorBoardListener;
import dev.vae4j.train.Checkpoints;
import dev.vae4j.train.EpochMetrics;
import dev.vae4j.train.Balance;
import dev.vae4j.train.ClassWeights;
import dev.vae4j.train.LearningRateSchedule;
import dev.vae4j.train.OptimizerChoice;
import dev.vae4j.train.RunControl;
import dev.vae4j.train.TrainOptions;
import dev.vae4j.train.Trainer;
import dev.vae4j.train.TrainingDivergedException;
import dev.vae4j.train.TrainingInterruptedException;
import dev.vae4j.train.TrainingListener;
import dev.vae4j.train.TrainingState;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vae4j train}: trains a VAE and writes a run folder. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
    description = {"Trains a VAE and writes a run folder.",
        "Adam (or --optimizer), loss = reconstruction + beta * KL in nats per sample, averaged over the batch; writes config.json,",
        "metrics.jsonl, model.safetensors, checkpoints, samples.png, reconstructions.png and latent.png."})
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Seeds the background model's noise pixels apart from the run's other seeded streams. */
  private static final long BACKGROUND_NOISE_STREAM = 0x5eed_b6c0_0000_0001L;

  /** {@code sweep --prune}'s watch over this run's epochs, set by the sweep; null otherwise. */
  TrialPruning pruning;

  /**
   * {@code sweep --parallel}'s share of the cores for this run on the CPU (the same arithmetic on
   * fewer threads, {@code CpuBackend.confined}), set by the sweep; 0: every core.
   */
  int cpuCores;

  /**
   * {@code sweep --parallel-mode stacked}'s place for this run in a wave of trials that train
   * stacked ({@link TrialStack}): where its data and backend come from, and its fit; null otherwise
   * (a lone run: its own data, backend and {@link Trainer#fit}).
   */
  TrialStack.Seat stack;

  @Option(names = "--data", paramLabel = "DIR", defaultValue = Datasets.BUNDLED,
      description = "'digits' (10,000 MNIST digits bundled in the jar), 'mnist' or 'fashion-mnist' (downloaded once into ~/.cache/vae4j or $VAE4J_HOME, SHA-256 checked), a folder with MNIST-style IDX files, a folder of images (PNG, JPEG, BMP, GIF, WebP; class sub-folders give labels), a CSV file, one image per line, or a NumPy .npy/.npz file.")
  String data;

  @Option(names = "--classes", split = ",", paramLabel = "C[,C...]",
      description = "Train (and validate) only on images of these classes, by label or name (any case), e.g. the normal "
          + "classes of an anomaly detector.")
  java.util.List<String> classChoice;

  /** The labels --classes chose (or the resumed run recorded), or null for all. */
  java.util.Set<Integer> classes;

  @Option(names = "--epochs", defaultValue = "10", description = "Passes over the training set.")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "128", description = "Images per step.")
  int batchSize;

  @Option(names = "--hidden", split = ",", defaultValue = "400", paramLabel = "N[,N...]",
      description = "Encoder hidden layer sizes; the decoder mirrors them.")
  int[] hidden;

  @Option(names = "--conv", arity = "0..1", fallbackValue = "", paramLabel = "C[,C...]", description = ConvModels.HELP)
  String conv;

  /** The model of the run being resumed, when it is not an MLP (its layers are in config.json, not in options). */
  VaeConfig resumedModel;

  @Option(names = "--latent", defaultValue = "20", description = "Latent dimensions.")
  int latent;

  @Option(names = "--likelihood", defaultValue = "bernoulli", description = "Pixel model: bernoulli (BCE), continuous-bernoulli (BCE minus the log normalizer), gaussian (unit variance, MSE) or gaussian-learned (a mean and a log-variance per pixel, log-variance clamped to [-7, 7]).")
  String likelihood;

  @Option(names = "--activation", defaultValue = "relu", paramLabel = "NAME",
      description = "The hidden layers' activation, encoder and decoder (not the heads or the output layer): relu, "
          + "leaky-relu (slope 0.01) or leaky-relu:SLOPE (SLOPE in (0, 1)), elu (alpha 1), gelu (exact erf form) or tanh. "
          + "With --conv: its dense hidden layers (the convolutions keep relu).")
  String activation;

  @Option(names = "--lr", defaultValue = "1e-3", description = "The optimizer's learning rate.")
  double learningRate;

  @Option(names = "--weight-decay", defaultValue = "0", description = "Weight decay (the L2 term added to the gradient, as PyTorch's optimizers have it; decoupled with adamw).")
  double weightDecay;

  @Option(names = "--adamw", description = "Decoupled weight decay (AdamW); the same as --optimizer adamw.")
  boolean adamw;

  @Option(names = "--optimizer", paramLabel = "NAME",
      description = "adam (the default), adamw, sgd[:MOMENTUM] (MOMENTUM in [0, 1), default 0) or rmsprop (alpha 0.99), each as PyTorch's.")
  String optimizer;

  @Option(names = "--lr-schedule", defaultValue = "constant", paramLabel = "constant|cosine|step:EPOCHS:GAMMA|plateau:PATIENCE:FACTOR",
      description = "The learning rate per epoch, as PyTorch's schedulers stepped each epoch: constant, cosine (CosineAnnealingLR over the epochs), step:N:G (StepLR: times G every N epochs), plateau:P:F (ReduceLROnPlateau on the validation loss: times F after P epochs without improvement).")
  String lrSchedule;

  @Option(names = "--warmup-steps", defaultValue = "0", paramLabel = "N",
      description = "Raise the learning rate linearly over the first N optimizer steps (step s runs at s/N of the epoch's rate).")
  long warmupSteps;

  @Option(names = "--l1", defaultValue = "0", paramLabel = "LAMBDA",
      description = "Add LAMBDA * sum|w| over the weights (not the biases) to the loss the optimizer minimizes; the reported losses leave it out.")
  double l1;

  @Option(names = "--balance", paramLabel = "oversample|undersample",
      description = "Class-balanced epochs (needs labels): every class drawn as often as the largest (oversample) or the smallest (undersample), seeded, instead of every image once (none, the default).")
  String balance;

  @Option(names = "--clip-grad-norm", paramLabel = "MAX",
      description = "Before each update, scale the gradient down to global L2 norm MAX when it is longer, as PyTorch's clip_grad_norm_; metrics.jsonl then has each epoch's mean norm before clipping (grad_norm).")
  Double clipGradNorm;

  @Option(names = "--beta", defaultValue = "1", description = "Weight of the KL term (1: the ELBO).")
  float beta;

  @Option(names = "--kl-warmup", defaultValue = "0", paramLabel = "EPOCHS", description = "Raise the KL weight linearly from 0 to beta over this many epochs.")
  int klWarmup;

  @Option(names = "--validation", defaultValue = "0.1", paramLabel = "FRACTION|test",
      description = "Fraction of the training images held out for validation, or 'test' for the data's own test split.")
  String validation;

  @Option(names = "--patience", defaultValue = "0", description = "Stop after this many epochs without a better validation loss, keeping the best weights (0: never).")
  int patience;

  @Option(names = "--seed", defaultValue = "1", description = "Seeds initialization, shuffling, the validation split and the noise.")
  long seed;

  @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or cuda.")
  String device;

  @Option(names = "--tf32", description = "CUDA: let FP32 GEMMs use TF32 tensor cores (faster, less accurate; see docs/gpu-results.md).")
  boolean tf32;

  @Option(names = "--no-graph", description = "CUDA: run every op of a step from the host instead of replaying a CUDA graph (for debugging).")
  boolean noGraph;

  @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/<timestamp>).")
  Path out;

  @Option(names = "--overwrite", description = "Replace a finished run already in --out.")
  boolean overwrite;

  @Option(names = "--tensorboard", paramLabel = "DIR",
      description = "Folder for TensorBoard event files (default: tensorboard/ in the run folder).")
  Path tensorboard;

  @Mixin CsvOptions csv = new CsvOptions();
  @Mixin ImageOptions images = new ImageOptions();

  @Option(names = "--resume", paramLabel = "DIR",
      description = "Continue the run in DIR from its newest checkpoint, exactly as if it had never stopped. Takes no other options (config.json has them) but --device and --epochs N, which makes a finished or unfinished run one of N epochs.")
  Path resume;

  @Option(names = "--background-noise", defaultValue = "0", paramLabel = "RATE",
      description = "Train the background model of a likelihood ratio (Ren et al. 2019; 'score --score likelihood-ratio'): each training pixel replaced by uniform noise with probability RATE, seeded (0: off; --background-of takes 0.2).")
  double backgroundNoise;

  @Option(names = "--background-of", paramLabel = "RUN",
      description = "Train the background model of the run in RUN: its model, data and training options, with --background-noise (default 0.2).")
  Path backgroundOf;

  @Option(names = "--checkpoint-every", defaultValue = "0", paramLabel = "STEPS",
      description = "Also checkpoint every STEPS optimizer steps inside epochs (0: at epoch ends only).")
  int checkpointEvery;

  @Option(names = "--keep-checkpoints", defaultValue = "1", paramLabel = "K",
      description = "Keep the newest K step checkpoints (besides checkpoint-best.safetensors, a hard link to the best epoch's).")
  int keepCheckpoints;

  @Option(names = "--skip-nonfinite",
      description = "Skip a batch whose loss or update is NaN or infinite instead of stopping.")
  boolean skipNonFinite;

  @Option(names = "--dropout", defaultValue = "0", paramLabel = "P",
      description = "Inverted dropout with drop probability P in [0, 1) on the dense hidden layers (an MLP's, or a --conv model's), in training steps only (0: off).")
  float dropout;

  @Option(names = "--class-weights", paramLabel = "auto|W0,W1,...",
      description = "Weigh each training image's loss by its class's weight (needs labels): auto (N / (classes * n_c), a mean of 1 over the training images) or one weight > 0 per class. The training loss reported is the weighted one; validation and eval stay unweighted.")
  String classWeights;
  @Option(names = "--iwae-k", defaultValue = "1", paramLabel = "K",
      description = "Train on the importance-weighted bound with K draws per image (Burda et al. 2016) instead of the ELBO; "
          + "metrics.jsonl then has the epoch's mean loss on it (train_iwae). K in [1, 1024]; 1: the ELBO (off).")
  int iwaeK;

  @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|bf16",
      description = "What the GEMMs read: fp32, or bf16 (bfloat16 copies of weights and activations, float32 accumulation, "
          + "master weights, optimizer and loss; a CPU with AVX512-BF16 or AMX-BF16, or a GPU of compute capability 8.0+; "
          + "MLP models only).")
  String precision;

  @Option(names = "--conditional",
      description = "A conditional VAE (Sohn et al. 2015; needs labels): the encoder reads each image's class as a one-hot beside its pixels (with --conv: beside the flattened features), the decoder beside z, so that sample --class draws a chosen class.")
  boolean conditional;

  @Option(names = "--val-iwae", defaultValue = "0", paramLabel = "K",
      description = "After training, estimate the IWAE bound on -log p(x) with K draws per image (and the -ELBO) of the kept "
          + "weights on the validation images, seed " + ValidationBound.SEED + ", and write them to " + RunDirectory.VAL_IWAE
          + " (what sweep --metric val_iwae ranks by). K in [1, " + ValidationBound.MAX_K + "]; 0: off. Not part of config.json: "
          + "--resume takes it too.")
  int valIwae;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    ResumeConfig.Extension extension = resume == null ? null : ResumeConfig.apply(resume, this, spec.commandLine());
    if (backgroundOf != null && resume == null) ResumeConfig.applyBackgroundOf(backgroundOf, this, spec.commandLine());
    if (!(backgroundNoise >= 0 && backgroundNoise <= 1)) {
      throw new ParameterException(spec.commandLine(), "--background-noise must be in [0, 1] (0: off), got " + backgroundNoise);
    }
    checkCheckpointing();
    checkValIwae();
    TrainOptions options = options();
    Likelihood pixels = likelihood();
    ActivationFunction act = hiddenActivation();
    Path runPath = out != null ? out
        : Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    DataSpec dataSpec = images.spec(data == null ? Datasets.BUNDLED : data, csv.format());
    DatasetSplit split = stack == null ? dataSpec.load() : stack.data(dataSpec, dataSpec::load);
    if (classChoice != null) classes = classLabels(split.train());
    if (classes != null) {
      DatasetSplit all = split;
      java.util.TreeSet<Integer> kept = new java.util.TreeSet<>(classes);
      split = stack == null ? dev.vae4j.data.LabelFilter.onlyClasses(all, kept)
          : stack.data(java.util.List.of(dataSpec, kept), () -> dev.vae4j.data.LabelFilter.onlyClasses(all, kept));
    }
    if (backgroundNoise > 0) { // the background model's data: the test split (validation with --validation test) stays clean
      split = new DatasetSplit(split.source(), PixelNoise.replace(split.train(), backgroundNoise, seed ^ BACKGROUND_NOISE_STREAM),
          split.test(), split.detected());
    }
    Dataset train = split.train();
    Dataset boundImages = valIwae == 0 ? null : Trainer.validationImages(split, options); // --val-iwae's
    if (valIwae > 0 && boundImages == null) noValidationImages();
    if (options.balance() != Balance.NONE && !train.hasLabels()) {
      throw new ParameterException(spec.commandLine(), "--balance needs labelled training images, and " + train.name() + " has none"
          + UsageErrors.FIX_SEPARATOR + "train without --balance, or on data with labels");
    }
    checkClassWeights(options.classWeights(), train);
    Shape input = new Shape(train.channels(), train.height(), train.width());
    VaeConfig config = resumedModel != null ? resumedModel
        : conv != null ? usage(() -> ConvModels.build(conv, input,
            spec.commandLine().getParseResult().hasMatchedOption("--hidden") ? hidden : ConvModels.DEFAULT_HIDDEN,
            latent, pixels, act))
        : usage(() -> VaeConfig.mlp(input, hidden, latent, pixels, act));
    if (conditional && resumedModel == null) config = config.withConditioning(conditioning(train));
    int images = Trainer.trainingImages(split, options);
    if (options.batchSize() > images) {
      throw new ParameterException(spec.commandLine(), "--batch-size " + options.batchSize() + " is larger than the "
          + images + " training images of " + data);
    }
    // With --iwae-k the workspace holds every draw: batch x K rows.
    MemoryLimits.checkTraining(spec.commandLine(), config, Math.multiplyExact(options.batchSize(), options.iwaeK()),
        MemoryLimits.options(hidden, latent, options.batchSize())
            + (options.iwaeK() > 1 ? " --iwae-k " + options.iwaeK() : ""));
    ActivationFunction dense = config.denseActivation();
    if (options.iwaeK() > 1 && config.classes() > 0) {
      throw new ParameterException(spec.commandLine(), "--iwae-k does not combine with --conditional");
    }
    if (options.dropout() > 0 && !VaeNetwork.dropoutKeepsGradients(dense.kind())) {
      throw new ParameterException(spec.commandLine(), "--dropout works with --activation relu, leaky-relu or gelu, not "
          + HiddenActivations.name(dense) + " (its backward reads the output, which dropout scales)");
    }
    if (options.precision() != Precision.FP32 && config.convolutional()) {
      throw new ParameterException(spec.commandLine(), "--precision bf16 works with MLP models only, not with --conv");
    }
    Backends.Choice choice;
    try {
      choice = stack == null ? null : stackedBackend(config, options);
      if (choice == null) {
        choice = Backends.select(device, new Backends.GpuOptions(tf32, !noGraph), config.convolutional(), options.precision(),
            cpuCores);
      }
    } catch (Backends.PrecisionUnavailableException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Backend backend = choice.backend();
    boolean stacked = stack != null && stack.shares(backend);
    // Only once everything else is in order: the folder's lock, held to the end of the run.
    try (AutoCloseable owned = stacked ? () -> {} : backend; // the sweep closes a shared backend
        RunDirectory run = resume == null ? usage(() -> RunDirectory.create(runPath, overwrite)) : RunDirectory.resume(runPath)) {
      Checkpoints.Loaded from = resume == null ? null : run.latestCheckpoint(w -> err.println("vae4j: warning: " + w));
      if (from != null && !from.config().sameModelAs(config)) {
        throw new FormatException(from.file() + ": the checkpoint is for a " + from.config().describe() + " model but "
            + runPath.resolve(RunDirectory.CONFIG) + " describes " + config.describe());
      }
      TrainingState start = from == null ? null : from.state();
      if (extension != null) {
        start = extension.epochs() != null ? extension.check(start, spec.commandLine()) : extension.resumed(start);
      }
      if (run.replaced() != null) err.printf("vae4j: moved the run this one replaces to %s%n", run.replaced());
      err.printf("vae4j: %s on %s: %s%n", config.describe(), backend.name(), choice.reason());
      err.printf("vae4j: %s%n", backend.description());
      err.printf("vae4j: %s%n", describe(split));
      if (classes != null) {
        err.printf(Locale.ROOT, "vae4j: --classes keeps %,d training images%s%n", split.train().count(),
            split.test() == null ? "" : String.format(Locale.ROOT, " and %,d test images", split.test().count()));
      }
      if (resume != null) {
        err.printf("vae4j: resuming %s%n", from == null ? "from the start (no checkpoint yet)"
            : "from " + from.file().getFileName() + " (" + from.state().position() + ")");
        if (from != null && start.finished()) {
          err.printf("vae4j: %s has finished its %d epochs; %s trains it further%n", runPath, epochs,
              resumeCommand(runPath) + " --epochs N");
        }
      }
      Vae model = Vae.create(config, backend, seed);
      RunConfig record = runConfig(config, options, split, dataSpec, backend);
      if (resume == null || (extension != null && extension.epochs() != null)) run.writeConfig(record);
      Checkpoints checkpoints = new Checkpoints(run.path(), config, record.toJson(),
          keepCheckpoints, checkpointEvery);
      Progress progress = cpuCores == 0 && stack == null ? Progress.forTerminal(err, run) : Progress.withoutBar(err, run);
      Trainer.Result result;
      try (TensorBoardListener events = tensorBoard(run, split, options); StopSignals stops = StopSignals.install()) {
        // The pruning listener reads the metrics.jsonl that progress appends to: it comes last.
        TrainingListener listener = pruning == null ? TrainingListener.all(progress, events)
            : TrainingListener.all(progress, events, pruning);
        RunControl control = new RunControl(start, checkpoints, skipNonFinite,
            () -> stops.requested() || (pruning != null && pruning.pruned()));
        result = stacked ? stack.fit(model, split, options, listener, control) : Trainer.fit(model, split, options, listener, control);
      } catch (TrainingInterruptedException e) {
        progress.close();
        if (pruning != null && pruning.pruned()) {
          err.printf("vae4j: %s%n", pruning.reason());
          return StopSignals.EXIT_CODE;
        }
        err.printf("vae4j: stopped %s; resume with: %s%n", e.checkpointed() ? e.resumesFrom().position()
            : "before the first checkpoint (resuming starts over)", resumeCommand(runPath));
        return StopSignals.EXIT_CODE;
      } catch (TrainingDivergedException e) {
        String kept = Checkpoints.stepFiles(run.path()).isEmpty() ? "; no checkpoint was written before it"
            : "; the last good checkpoint stays in " + run.path();
        throw new IllegalStateException(e.getMessage() + kept + (skipNonFinite ? "" : " (--skip-nonfinite skips such batches)"), e);
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause();
      }
      EpochMetrics last = result.epochs().get(result.epochs().size() - 1);
      // Before the model file, which marks the run finished: a run stopped in between resumes and writes both.
      // On this thread, which holds a stacked sweep's shared backend again after its fit, as for the pictures.
      if (boundImages != null) {
        int kept = options.patience() > 0 ? result.bestEpoch() : last.epoch();
        dev.vae4j.eval.Estimates.Summary bound = ValidationBound.write(run.path(), model, boundImages, valIwae, kept);
        spec.commandLine().getOut().printf(Locale.ROOT,
            "validation IWAE bound (k = %d, %d images, epoch %d's weights): %.3f nats/image, -ELBO %.3f; wrote %s%n",
            valIwae, bound.images(), kept, bound.negativeLogLikelihood(), bound.negativeElbo(),
            run.path().resolve(RunDirectory.VAL_IWAE));
      }
      run.writeModel(model);
      Dataset pictures = split.test() != null ? split.test() : train;
      try {
        run.writePictures(model, pictures, seed);
      } catch (ChartUnavailableException e) { // the model and the image grids are written
        err.println("vae4j: warning: " + RunDirectory.LATENT + " not written: " + e.getMessage());
      }
      spec.commandLine().getOut().printf(Locale.ROOT,
          "trained %d epoch%s: train loss %.2f, %s (best epoch %d)%s; wrote %s%n",
          result.epochs().size(), result.epochs().size() == 1 ? "" : "s", last.trainLoss(),
          Double.isNaN(last.valLoss()) ? "no validation set"
              : String.format(Locale.ROOT, "validation loss %.2f nats/sample", last.valLoss()), result.bestEpoch(),
          result.stoppedEarly() ? ", stopped early" : "", run.path());
    }
    return 0;
  }

  /**
   * The sweep's shared backend when this run can train stacked, else null (its seat has said why):
   * the same choice a lone run makes, on every core (a stacked fit runs outside batch parts).
   */
  private Backends.Choice stackedBackend(VaeConfig config, TrainOptions options) throws Exception {
    Backends.GpuOptions gpu = new Backends.GpuOptions(tf32, !noGraph);
    // What decides stacking besides the model and options: the checkpoints' step interval and --skip-nonfinite.
    // The resume state is not read yet; without step checkpoints it is at an epoch's end, which stacks.
    dev.vae4j.train.CheckpointSink steps = new dev.vae4j.train.CheckpointSink() {
      @Override
      public int stepInterval() {
        return checkpointEvery;
      }

      @Override
      public void save(TrainingState state) {}
    };
    return stack.backend(config, options, new RunControl(null, steps, skipNonFinite),
        java.util.List.of(device.toLowerCase(Locale.ROOT), gpu, options.precision(), config.convolutional()),
        () -> Backends.select(device, gpu, config.convolutional(), options.precision(), 0), spec.commandLine().getErr());
  }

  /**
   * The checks of {@link #call} that need no data and write nothing, for a sweep to run on every
   * trial's options before it trains any: a value an option rejects is a usage error up front.
   */
  void checkOptions() throws Exception {
    checkCheckpointing();
    checkValIwae();
    options();
    Likelihood pixels = likelihood();
    ActivationFunction act = hiddenActivation();
    if (conv == null) usage(() -> VaeConfig.mlp(Shape.flat(1), hidden, latent, pixels, act));
  }

  private void checkCheckpointing() {
    if (checkpointEvery < 0) throw new ParameterException(spec.commandLine(), "--checkpoint-every must be >= 0, got " + checkpointEvery);
    if (keepCheckpoints < 1) throw new ParameterException(spec.commandLine(), "--keep-checkpoints must be >= 1, got " + keepCheckpoints);
  }

  /** --val-iwae's range, and (without data, for a sweep's checks) that --validation holds images out for it. */
  private void checkValIwae() {
    if (valIwae < 0 || valIwae > ValidationBound.MAX_K) {
      throw new ParameterException(spec.commandLine(), "--val-iwae must be in [1, " + ValidationBound.MAX_K + "] (0: off), got " + valIwae);
    }
    if (valIwae > 0 && heldOutNone()) noValidationImages();
  }

  /** Whether --validation is the fraction 0 (a malformed value is options()' error). */
  private boolean heldOutNone() {
    try {
      return Double.parseDouble(validation) == 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private void noValidationImages() {
    throw new ParameterException(spec.commandLine(), "--val-iwae needs validation images, and this run has none (--validation "
        + validation + ")" + UsageErrors.FIX_SEPARATOR + "give --validation a fraction > 0, or --validation test on data with a test split");
  }

  /** The command that continues this run, as the user would type it here. */
  private String resumeCommand(Path runPath) {
    boolean moved = resume != null && spec.commandLine().getParseResult().hasMatchedOption("--device");
    return "vae4j train --resume " + ShellWords.quote(runPath.toString()) + (moved ? " --device " + device : "");
  }

  /** The labels --classes names, a name the data does not have being a usage error that lists its classes. */
  private java.util.Set<Integer> classLabels(Dataset train) {
    try {
      return dev.vae4j.data.ClassNames.labels(classChoice, train.classNames());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--classes: " + e.getMessage());
    }
  }

  /** A value whose construction rejects bad options with {@link IllegalArgumentException}: a usage error. */
  private <T> T usage(java.util.concurrent.Callable<T> make) throws Exception {
    try {
      return make.call();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private TrainOptions options() {
    boolean onTest = validation.equalsIgnoreCase("test");
    double fraction;
    try {
      fraction = onTest ? 0 : Double.parseDouble(validation);
    } catch (NumberFormatException e) {
      throw new ParameterException(spec.commandLine(), "--validation must be a fraction in [0, 1) or 'test', got '" + validation + "'");
    }
    OptimizerChoice choice = optimizerChoice();
    try {
      return new TrainOptions(epochs, batchSize, learningRate, weightDecay, choice.decoupled(), beta, klWarmup, seed,
          fraction, onTest, patience, choice, LearningRateSchedule.parse(lrSchedule, warmupSteps),
          balanceChoice(), clipGradNorm(), dropout, classWeightsChoice(), precisionChoice(), iwaeK);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** --class-weights: none when not given. */
  private ClassWeights classWeightsChoice() {
    try {
      return classWeights == null ? ClassWeights.NONE : ClassWeights.parse(classWeights);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** --class-weights needs labels, and explicit weights one per class of {@code train}. */
  private void checkClassWeights(ClassWeights weights, Dataset train) {
    if (!weights.enabled()) return;
    if (!train.hasLabels()) {
      throw new ParameterException(spec.commandLine(), "--class-weights needs labelled training images, and "
          + train.name() + " has none" + UsageErrors.FIX_SEPARATOR + "train without --class-weights, or on data with labels");
    }
    int classes = ClassWeights.classCount(train.labels(), train.classNames());
    if (!weights.auto() && weights.weights().length != classes) {
      throw new ParameterException(spec.commandLine(), "--class-weights gives " + weights.weights().length
          + " weights but " + train.name() + " has " + classes + " classes: give one weight > 0 per class, or auto");
    }
  }

  /** --precision. */
  private Precision precisionChoice() {
    try {
      return Precision.parse(precision);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--precision " + e.getMessage());
    }
  }

  /** --balance: none when not given. */
  private Balance balanceChoice() {
    try {
      return balance == null ? Balance.NONE : Balance.parse(balance);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--balance " + e.getMessage());
    }
  }

  /** --clip-grad-norm's MAX, finite and > 0 when given; 0 (no clipping) when not. */
  private double clipGradNorm() {
    if (clipGradNorm == null) return 0;
    if (!(clipGradNorm > 0 && Double.isFinite(clipGradNorm))) {
      throw new ParameterException(spec.commandLine(), "--clip-grad-norm must be a finite number > 0, got " + clipGradNorm);
    }
    return clipGradNorm;
  }

  /** --optimizer (or --adamw, which means --optimizer adamw) and --l1. */
  private OptimizerChoice optimizerChoice() {
    OptimizerChoice choice;
    try {
      choice = optimizer == null ? OptimizerChoice.adam(adamw) : OptimizerChoice.parse(optimizer);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--optimizer: " + e.getMessage());
    }
    if (adamw && !choice.decoupled()) {
      throw new ParameterException(spec.commandLine(), "--adamw means --optimizer adamw, not --optimizer " + optimizer
          + ": give one of them");
    }
    if (!(l1 >= 0 && Double.isFinite(l1))) throw new ParameterException(spec.commandLine(), "--l1 must be >= 0, got " + l1);
    return choice.withL1(l1);
  }

  /** Event files in --tensorboard or the run folder; pictures from the test images when there are some. */
  private TensorBoardListener tensorBoard(RunDirectory run, DatasetSplit split, TrainOptions options) throws java.io.IOException {
    Path dir = tensorboard != null ? tensorboard : run.path().resolve(RunDirectory.TENSORBOARD);
    Dataset pictures = split.test() != null ? split.test() : split.train();
    return TensorBoardListener.create(dir, pictures, options, seed, TensorBoardListener.DEFAULT_STEP_INTERVAL);
  }

  /** {@code --conditional}'s classes: those of the training data, which must have labels. */
  private dev.vae4j.model.Conditioning conditioning(Dataset train) {
    if (!train.hasLabels()) {
      throw new ParameterException(spec.commandLine(), "--conditional needs labelled training images, and " + train.name()
          + " has none" + UsageErrors.FIX_SEPARATOR + "train without --conditional, or on data with labels");
    }
    return dev.vae4j.train.ResidentLabels.conditioning(train);
  }

  /** {@code --activation}: an MLP's hidden layers, or a convolutional model's dense ones. */
  private ActivationFunction hiddenActivation() {
    try {
      return HiddenActivations.parse(activation);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--activation " + e.getMessage());
    }
  }

  private Likelihood likelihood() {
    try {
      return Likelihood.parse(likelihood);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--likelihood must be one of " + Likelihood.names() + ", got '" + likelihood + "'");
    }
  }

  private static String describe(DatasetSplit split) {
    if (split.detected() != null) return "data " + split.source() + ": " + split.detected();
    return String.format(Locale.ROOT, "data %s: %d training images of %s%dx%d%s", split.source(), split.train().count(),
        split.train().channels() == 1 ? "" : split.train().channels() + "x", split.train().height(), split.train().width(),
        split.test() == null ? "" : ", " + split.test().count() + " test images");
  }

  /** What config.json records of this run. */
  private RunConfig runConfig(VaeConfig config, TrainOptions o, DatasetSplit split, DataSpec dataSpec, Backend backend) {
    return new RunConfig(Version.current(), config, split.train().height(), split.train().width(), o,
        dataSpec.withSource(split.source()),
        classes == null ? null : java.util.List.copyOf(classes),
        tensorboard == null ? null : tensorboard.toString(),
        new RunConfig.Checkpointing(checkpointEvery, keepCheckpoints, skipNonFinite),
        new RunConfig.Device(device, backend.name(), backend.description()), new Backends.GpuOptions(tf32, !noGraph),
        backgroundNoise == 0 ? null : new RunConfig.Background(backgroundNoise,
            backgroundOf == null ? null : backgroundOf.toAbsolutePath().normalize().toString()));
  }
}
