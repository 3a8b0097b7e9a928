package dev.vae4j.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vae4j.Backends;
import dev.vae4j.backend.ActivationFunction;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.Precision;
import dev.vae4j.data.CsvReader;
import dev.vae4j.data.DataSpec;
import dev.vae4j.data.ImageSize;
import dev.vae4j.io.AtomicFiles;
import dev.vae4j.io.FormatException;
import dev.vae4j.io.RegularFiles;
import dev.vae4j.model.HiddenActivations;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.layer.LayerSpecs;
import dev.vae4j.model.layer.Shape;
import dev.vae4j.train.Balance;
import dev.vae4j.train.ClassWeights;
import dev.vae4j.train.OptimizerChoice;
import dev.vae4j.train.LearningRateSchedule;
import dev.vae4j.train.TrainOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Everything a training run's {@code config.json} holds, the one place its schema lives: {@code
 * train} writes it, {@code train --resume} and every command on a run folder ({@link Run}) read it
 * back. A plain value (equal when every field is), so a sweep can be a list of them.
 *
 * @param version the vae4j version that wrote it ({@code vae4j_version}), or null when not recorded
 * @param model the model's shape
 * @param imageHeight height of the training images
 * @param imageWidth width of the training images
 * @param training the training options (the seed among them)
 * @param data the training data as the user named it ({@code digits}, a folder, a file) and how
 *     its images were read and prepared
 * @param classes the labels training was restricted to, ascending, or null for all
 * @param tensorboard the event file folder the user named, or null for the run folder's
 * @param checkpoints how the run checkpoints and what it does about non-finite batches
 * @param device where it ran: the requested device, the backend chosen and its description
 * @param gpu how a GPU backend runs (the CPU ignores it)
 * @param background for the background model of a likelihood ratio, its noise; null otherwise
 */
public record RunConfig(
    String version,
    VaeConfig model,
    int imageHeight,
    int imageWidth,
    TrainOptions training,
    DataSpec data,
    List<Integer> classes,
    String tensorboard,
    Checkpointing checkpoints,
    Device device,
    Backends.GpuOptions gpu,
    Background background) {

  /** What {@code config.json}'s {@code loss} field says about the numbers in {@code metrics.jsonl}. */
  public static final String LOSS_DESCRIPTION =
      "per sample: reconstruction NLL summed over pixels + beta * KL summed over latent dims; batch mean; nats";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper JSON_COMPACT = new ObjectMapper();
  private static final long MAX_BYTES = 1 << 20;

  /**
   * Checkpointing and non-finite batches.
   *
   * @param every also checkpoint every this many optimizer steps inside epochs (0: epoch ends only)
   * @param keep how many of the newest step checkpoints to keep (at least 1)
   * @param skipNonFinite skip a batch whose loss or update is NaN or infinite instead of stopping
   */
  public record Checkpointing(int every, int keep, boolean skipNonFinite) {
    /** What a run gets without options (and what a run folder from before they were recorded means). */
    public static final Checkpointing DEFAULTS = new Checkpointing(0, 3, false);

    /** Checks the numbers. */
    public Checkpointing {
      if (every < 0) throw new IllegalArgumentException("checkpoint_every must be >= 0, got " + every);
      if (keep < 1) throw new IllegalArgumentException("keep_checkpoints must be >= 1, got " + keep);
    }
  }

  /**
   * Where a run executes.
   *
   * @param requested what the user asked for ({@code auto}, {@code cpu}, {@code cuda}): what a
   *     resumed run asks for again, so that auto stays auto
   * @param name the backend it ran on ({@code cpu}, {@code cuda})
   * @param description that backend's one-line description, or null when not recorded
   */
  public record Device(String requested, String name, String description) {}

  /**
   * A background model (Ren et al. 2019, see {@link dev.vae4j.data.PixelNoise}): trained on its
   * data with a fraction of the training pixels replaced by noise, seeded by the run's seed.
   *
   * @param noiseRate the fraction of pixel values replaced, in (0, 1]
   * @param of the run folder whose background it is ({@code --background-of}), or null
   */
  public record Background(double noiseRate, String of) {
    public Background {
      if (!(noiseRate > 0 && noiseRate <= 1)) throw new IllegalArgumentException("background noise_rate must be in (0, 1], got " + noiseRate);
    }
  }

  /** A run that is no background model. */
  public RunConfig(String version, VaeConfig model, int imageHeight, int imageWidth, TrainOptions training, DataSpec data,
      List<Integer> classes, String tensorboard, Checkpointing checkpoints, Device device, Backends.GpuOptions gpu) {
    this(version, model, imageHeight, imageWidth, training, data, classes, tensorboard, checkpoints, device, gpu, null);
  }

  /** Checks the parts are there and copies the class list. */
  public RunConfig {
    if (model == null || training == null || data == null || device == null) {
      throw new IllegalArgumentException("a run configuration needs a model, training options, data and a device");
    }
    if (imageHeight <= 0 || imageWidth <= 0) {
      throw new IllegalArgumentException("image size must be positive, got " + imageHeight + "x" + imageWidth);
    }
    if (classes != null) classes = List.copyOf(new TreeSet<>(classes));
    if (checkpoints == null) checkpoints = Checkpointing.DEFAULTS;
    if (gpu == null) gpu = new Backends.GpuOptions(false, true);
  }

  /** The training seed (initialization, shuffling, the validation split, the noise). */
  public long seed() {
    return training.seed();
  }

  /** This configuration with {@code device} instead (a resumed run on another machine). */
  public RunConfig withDevice(Device device) {
    return new RunConfig(version, model, imageHeight, imageWidth, training, data, classes, tensorboard, checkpoints, device,
        gpu, background);
  }

  /**
   * Writes {@code file} atomically, in the format {@link #read} reads, with its {@value
   * ConfigDigest#KEY} last; returns that digest.
   */
  public String write(Path file) throws IOException {
    ObjectNode root = sealed();
    AtomicFiles.write(file, JSON.writeValueAsBytes(root));
    return root.get(ConfigDigest.KEY).asText();
  }

  /** The same JSON on one line (what checkpoints store). */
  public String toJson() {
    try {
      return JSON_COMPACT.writeValueAsString(sealed());
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The tree as JSON would read it back, with its digest. */
  private ObjectNode sealed() {
    try {
      ObjectNode root = (ObjectNode) JSON_COMPACT.readTree(JSON_COMPACT.writeValueAsString(tree()));
      root.put(ConfigDigest.KEY, ConfigDigest.of(root));
      return root;
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JSON tree, fields in the order {@code config.json} has always had them. */
  private Map<String, Object> tree() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("input_size", model.inputSize());
    m.put("image_height", imageHeight);
    m.put("image_width", imageWidth);
    m.put("hidden", model.hidden());
    m.put("latent", model.latent());
    m.put("likelihood", model.likelihood().cliName());
    // A grey MLP's sizes above say it all, as in every older config.json.
    if (!model.isMlp() || model.input().channels() != 1) {
      m.put("input_shape", model.input().channels() + "x" + model.input().height() + "x" + model.input().width());
    }
    if (!model.isMlp()) {
      m.put("encoder", LayerSpecs.format(model.encoder()));
      m.put("decoder", LayerSpecs.format(model.decoder()));
    }
    // An MLP's hidden activation when not ReLU: the sizes above do not say it (older files: ReLU).
    if (!model.hiddenActivation().equals(ActivationFunction.RELU)) m.put("activation", HiddenActivations.name(model.hiddenActivation()));
    TrainOptions o = training;
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("epochs", o.epochs());
    t.put("batch_size", o.batchSize());
    t.put("optimizer", o.optimizer().rule().text());
    t.put("learning_rate", o.learningRate());
    t.put("weight_decay", o.weightDecay());
    t.put("beta", o.beta());
    t.put("kl_warmup_epochs", o.klWarmupEpochs());
    t.put("validation", o.validateOnTestSplit() ? "test" : o.validationFraction());
    t.put("patience", o.patience());
    t.put("seed", o.seed());
    // Only where a run chose them, so that Adam runs' files stay as they were.
    if (o.optimizer().rule() == OptimizerChoice.Rule.SGD) t.put("momentum", o.optimizer().momentum());
    if (o.optimizer().l1() != 0) t.put("l1", o.optimizer().l1());
    if (o.schedule().kind() != LearningRateSchedule.Kind.CONSTANT) t.put("lr_schedule", o.schedule().text());
    if (o.schedule().warmupSteps() != 0) t.put("warmup_steps", o.schedule().warmupSteps());
    if (o.balance() != Balance.NONE) t.put("balance", o.balance().text());
    if (o.clipGradNorm() != 0) t.put("clip_grad_norm", o.clipGradNorm());
    if (o.dropout() > 0) t.put("dropout", o.dropout());
    if (o.classWeights().enabled()) t.put("class_weights", o.classWeights().text());
    if (o.precision() != Precision.FP32) t.put("precision", o.precision().text());
    if (o.iwaeK() > 1) t.put("iwae_k", o.iwaeK());
    Map<String, Object> r = new LinkedHashMap<>();
    if (version != null) r.put("vae4j_version", version);
    r.put("model", m);
    r.put("training", t);
    r.put("data", data.source());
    if (classes != null) r.put("classes", classes);
    if (tensorboard != null) r.put("tensorboard", tensorboard);
    CsvReader.Format csv = data.csv();
    if (csv.labelFirst() || csv.max255() || csv.labelColumn() != null) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("label_first", csv.labelFirst());
      c.put("max_255", csv.max255());
      // Only where --csv-label named a column, so that older runs' files stay as they were.
      if (csv.labelColumn() != null) c.put("label_column", csv.labelColumn());
      r.put("csv", c);
    }
    if (data.size() != null) r.put("image_size", data.size().toString());
    if (data.channels() != 0) r.put("channels", data.channels());
    if (data.strict()) r.put("strict", true);
    Map<String, Object> k = new LinkedHashMap<>();
    k.put("checkpoint_every", checkpoints.every());
    k.put("keep_checkpoints", checkpoints.keep());
    k.put("skip_nonfinite", checkpoints.skipNonFinite());
    r.put("checkpoints", k);
    r.put("device", device.name());
    r.put("requested_device", device.requested());
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("tf32", gpu.tf32());
    g.put("graphs", gpu.graphs());
    r.put("gpu", g);
    if (background != null) {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("noise_rate", background.noiseRate());
      if (background.of() != null) b.put("of", background.of());
      r.put("background", b);
    }
    if (device.description() != null) r.put("backend", device.description());
    r.put("loss", LOSS_DESCRIPTION);
    return r;
  }

  /** {@code CxHxW} holding {@code size} values (a model with layer specs records its input's shape). */
  private static Shape shape(String text, int size) {
    String[] d = text.split("x");
    if (d.length != 3) throw new IllegalArgumentException("model.input_shape '" + text + "' is not CxHxW");
    Shape shape = new Shape(Integer.parseInt(d[0]), Integer.parseInt(d[1]), Integer.parseInt(d[2]));
    if (shape.size() != size) {
      throw new IllegalArgumentException("model.input_shape " + shape + " does not hold input_size " + size + " values");
    }
    return shape;
  }

  /**
   * Reads {@code file}. A missing file, invalid JSON, or a missing or mistyped field throws {@link
   * FormatException} with one line naming the file and the field. Fields later versions added
   * ({@code requested_device}, {@code gpu}, {@code checkpoints}) take the values older runs had.
   */
  public static RunConfig read(Path file) throws IOException {
    return parse(tree(file), file);
  }

  /**
   * The JSON of {@code file}, a regular file of at most {@value #MAX_BYTES} bytes (a config.json
   * is about 1 KB), as an object.
   */
  public static JsonNode tree(Path file) throws IOException {
    if (!Files.exists(file)) throw new FormatException(file + ": no such file");
    RegularFiles.require(file, "file");
    if (Files.size(file) > MAX_BYTES) throw new FormatException(file + ": " + Files.size(file) + " bytes, too large for a run configuration");
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new FormatException(file + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
    }
    if (root == null || !root.isObject()) throw new FormatException(file + ": not a JSON object");
    return root;
  }

  /** Reads a run configuration from the JSON of {@code file}. */
  public static RunConfig parse(JsonNode root, Path file) throws IOException {
    Fields f = new Fields(root, file);
    try {
      JsonNode hiddenNode = f.node("/model/hidden");
      if (!hiddenNode.isArray()) throw f.bad("/model/hidden", "is not a list of integers");
      int[] hidden = new int[hiddenNode.size()];
      for (int i = 0; i < hidden.length; i++) {
        JsonNode h = hiddenNode.get(i);
        if (!h.isIntegralNumber() || !h.canConvertToInt()) throw f.bad("/model/hidden", "is not a list of integers");
        hidden[i] = h.asInt();
      }
      String likelihoodName = f.text("/model/likelihood");
      Likelihood likelihood;
      try {
        likelihood = Likelihood.parse(likelihoodName);
      } catch (IllegalArgumentException e) {
        throw f.bad("/model/likelihood", "is '" + likelihoodName + "', not a known likelihood");
      }
      int height = f.integer("/model/image_height"), width = f.integer("/model/image_width");
      if (height <= 0 || width <= 0) {
        throw new FormatException(file + ": model.image_height/image_width missing or not positive");
      }
      int inputSize = f.integer("/model/input_size");
      // Without an input_shape the images are grey; a size that does not match is Run.open's error to name.
      Shape input = root.hasNonNull("model") && root.get("model").hasNonNull("input_shape")
          ? shape(f.text("/model/input_shape"), inputSize)
          : (long) height * width == inputSize ? new Shape(1, height, width) : Shape.flat(inputSize);
      VaeConfig model = root.at("/model/encoder").isMissingNode()
          ? VaeConfig.mlp(input, hidden, f.integer("/model/latent"), likelihood, hiddenActivation(f))
          : new VaeConfig(shape(f.text("/model/input_shape"), inputSize), LayerSpecs.parse(f.text("/model/encoder")),
              f.integer("/model/latent"), LayerSpecs.parse(f.text("/model/decoder")), likelihood);

      OptimizerChoice optimizer = optimizer(f);
      JsonNode validation = f.node("/training/validation");
      boolean onTest = validation.isTextual() && validation.asText().equals("test");
      if (!onTest && !validation.isNumber()) throw f.bad("/training/validation", "is neither a fraction nor 'test'");
      TrainOptions training = new TrainOptions(f.integer("/training/epochs"), f.integer("/training/batch_size"),
          f.number("/training/learning_rate"), f.number("/training/weight_decay"), optimizer.decoupled(),
          (float) f.number("/training/beta"), f.integer("/training/kl_warmup_epochs"), f.longInteger("/training/seed"),
          onTest ? 0 : validation.asDouble(), onTest, f.integer("/training/patience"), optimizer, schedule(f),
          balance(f), f.number("/training/clip_grad_norm", 0),
          (float) f.number("/training/dropout", 0), // absent in runs without dropout
          classWeights(f), precision(f), // precision absent in FP32 runs
          root.at("/training/iwae_k").isMissingNode() ? 1 : f.integer("/training/iwae_k")); // absent: the ELBO

      List<Integer> classes = null;
      if (root.hasNonNull("classes")) {
        JsonNode c = root.get("classes");
        if (!c.isArray()) throw f.bad("/classes", "is not a list of integers");
        classes = new ArrayList<>();
        for (JsonNode label : c) {
          if (!label.isIntegralNumber() || !label.canConvertToInt()) throw f.bad("/classes", "is not a list of integers");
          classes.add(label.asInt());
        }
      }
      CsvReader.Format csv = new CsvReader.Format(f.flag("/csv/label_first", false), f.flag("/csv/max_255", false),
          root.at("/csv/label_column").isMissingNode() ? null : f.text("/csv/label_column"));
      DataSpec data = new DataSpec(f.text("/data"), csv,
          root.hasNonNull("image_size") ? ImageSize.parse(f.text("/image_size")) : null,
          root.hasNonNull("channels") ? f.integer("/channels") : 0, f.flag("/strict", false));
      String tensorboard = root.hasNonNull("tensorboard") ? f.text("/tensorboard") : null;
      Checkpointing checkpoints = root.has("checkpoints")
          ? new Checkpointing(f.integer("/checkpoints/checkpoint_every"), f.integer("/checkpoints/keep_checkpoints"),
              f.flag("/checkpoints/skip_nonfinite", false))
          : Checkpointing.DEFAULTS;
      String ran = f.text("/device");
      // Runs written before requested_device was recorded name only the device they ran on.
      String requested = root.hasNonNull("requested_device") ? f.text("/requested_device") : ran;
      String description = root.hasNonNull("backend") ? f.text("/backend") : null;
      Backends.GpuOptions gpu = new Backends.GpuOptions(f.flag("/gpu/tf32", false), f.flag("/gpu/graphs", true));
      String version = root.hasNonNull("vae4j_version") ? f.text("/vae4j_version") : null;
      Background background = root.hasNonNull("background")
          ? new Background(f.number("/background/noise_rate"), root.at("/background/of").isTextual() ? f.text("/background/of") : null)
          : null;
      return new RunConfig(version, model, height, width, training, data, classes, tensorboard,
          checkpoints, new Device(requested, ran, description), gpu, background);
    } catch (IllegalArgumentException e) { // a value out of range, from a constructor above
      throw new FormatException(file + ": " + e.getMessage(), e);
    }
  }

  /** Typed fields of config.json, each missing or mistyped one named. */
  /** training.lr_schedule and training.warmup_steps: constant and 0 when absent. */
  private static LearningRateSchedule schedule(Fields f) throws FormatException {
    JsonNode warmup = f.root().at("/training/warmup_steps");
    if (!warmup.isMissingNode() && !warmup.canConvertToLong()) throw f.bad("/training/warmup_steps", "is not a whole number");
    try {
      JsonNode schedule = f.root().at("/training/lr_schedule");
      return LearningRateSchedule.parse(schedule.isMissingNode() || schedule.isNull() ? "constant" : f.text("/training/lr_schedule"),
          warmup.isMissingNode() ? 0 : warmup.asLong());
    } catch (IllegalArgumentException e) {
      throw new FormatException(f.file() + ": training: " + e.getMessage());
    }
  }

  /** training.class_weights, {@link ClassWeights#NONE} when absent (runs without {@code --class-weights}). */
  private static ClassWeights classWeights(Fields f) throws FormatException {
    if (f.root().at("/training/class_weights").isMissingNode()) return ClassWeights.NONE;
    try {
      return ClassWeights.parse(f.text("/training/class_weights"));
    } catch (IllegalArgumentException e) {
      throw f.bad("/training/class_weights", "is '" + f.text("/training/class_weights") + "', not auto or weights > 0");
    }
  }

  /** training.balance, {@link Balance#NONE} when absent (every run written before it was recorded). */
  private static Balance balance(Fields f) throws FormatException {
    if (f.root().at("/training/balance").isMissingNode()) return Balance.NONE;
    try {
      return Balance.parse(f.text("/training/balance"));
    } catch (IllegalArgumentException e) {
      throw f.bad("/training/balance", "is '" + f.text("/training/balance") + "', not none, oversample or undersample");
    }
  }

  /** {@code training.precision}, FP32 when absent (every file before {@code --precision}, and every FP32 run). */
  private static Precision precision(Fields f) throws FormatException {
    if (f.root().at("/training/precision").isMissingNode()) return Precision.FP32;
    try {
      return Precision.parse(f.text("/training/precision"));
    } catch (IllegalArgumentException e) {
      throw f.bad("/training/precision", "is '" + f.text("/training/precision") + "', not fp32 or bf16");
    }
  }

  /** {@code model.activation}, ReLU when absent (every file before {@code --activation}). */
  private static ActivationFunction hiddenActivation(Fields f) throws FormatException {
    if (f.root().at("/model/activation").isMissingNode()) return ActivationFunction.RELU;
    try {
      return HiddenActivations.parse(f.text("/model/activation"));
    } catch (IllegalArgumentException e) {
      throw f.bad("/model/activation", e.getMessage());
    }
  }

  /** training.optimizer, with training.momentum (SGD) and training.l1, each 0 when absent. */
  private static OptimizerChoice optimizer(Fields f) throws FormatException {
    String name = f.text("/training/optimizer");
    OptimizerChoice.Rule rule = null;
    for (OptimizerChoice.Rule r : OptimizerChoice.Rule.values()) if (r.text().equals(name)) rule = r;
    if (rule == null) throw f.bad("/training/optimizer", "is '" + name + "', not adam, adamw, sgd or rmsprop");
    double momentum = rule == OptimizerChoice.Rule.SGD ? f.number("/training/momentum", 0) : 0;
    double l1 = f.number("/training/l1", 0);
    try {
      return new OptimizerChoice(rule, momentum, l1);
    } catch (IllegalArgumentException e) {
      throw new FormatException(f.file() + ": training: " + e.getMessage());
    }
  }

  private record Fields(JsonNode root, Path file) {
    JsonNode node(String pointer) throws FormatException {
      JsonNode n = root.at(pointer);
      if (n.isMissingNode() || n.isNull()) throw new FormatException(file + ": lacks " + name(pointer));
      return n;
    }

    FormatException bad(String pointer, String what) {
      return new FormatException(file + ": " + name(pointer) + " " + what);
    }

    String text(String pointer) throws FormatException {
      JsonNode n = node(pointer);
      if (!n.isTextual()) throw bad(pointer, "is not a string");
      return n.asText();
    }

    int integer(String pointer) throws FormatException {
      JsonNode n = node(pointer);
      if (!n.isIntegralNumber() || !n.canConvertToInt()) throw bad(pointer, "is not an integer");
      return n.asInt();
    }

    long longInteger(String pointer) throws FormatException {
      JsonNode n = node(pointer);
      if (!n.isIntegralNumber() || !n.canConvertToLong()) throw bad(pointer, "is not an integer");
      return n.asLong();
    }

    double number(String pointer) throws FormatException {
      JsonNode n = node(pointer);
      if (!n.isNumber()) throw bad(pointer, "is not a number");
      return n.asDouble();
    }

    /** An optional number. */
    double number(String pointer, double absent) throws FormatException {
      JsonNode n = root.at(pointer);
      return n.isMissingNode() || n.isNull() ? absent : number(pointer);
    }

    /** An optional true/false field. */
    boolean flag(String pointer, boolean absent) throws FormatException {
      JsonNode n = root.at(pointer);
      if (n.isMissingNode() || n.isNull()) return absent;
      if (!n.isBoolean()) throw bad(pointer, "is not true or false");
      return n.asBoolean();
    }

    private static String name(String pointer) {
      return pointer.substring(1).replace('/', '.');
    }
  }
}
