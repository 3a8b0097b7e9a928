package dev.vae4j.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.Backends;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.data.CsvReader;
import dev.vae4j.data.DataSpec;
import dev.vae4j.io.FormatException;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.layer.Shape;
import dev.vae4j.train.TrainOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code config.json} as {@link RunConfig} reads and writes it. The resources under {@code
 * dev/vae4j/run/runconfig/} were written by {@code vae4j train} before {@link RunConfig} existed
 * (the CSV one with its {@code csv} and {@code gpu} fields in the order its code listed
 * them, which the {@code Map.of} it used kept or not as the JVM's hash seed fell), so that run folders of older versions keep loading.
 */
class RunConfigTest {
  @TempDir Path dir;

  private Path resource(String name) throws IOException {
    Path file = dir.resolve(name);
    try (InputStream in = RunConfigTest.class.getResourceAsStream("runconfig/" + name)) {
      Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return file;
  }

  @ParameterizedTest
  @ValueSource(strings = {"classes-and-checkpoints.json", "test-split-gaussian-adamw.json", "csv.json"})
  void todaysFilesRoundTripByteForByte(String name) throws IOException {
    Path original = resource(name);
    RunConfig config = RunConfig.read(original);
    Path copy = dir.resolve("copy.json");
    config.write(copy);
    assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(copy), name);
    assertEquals(config, RunConfig.read(copy));
    assertEquals(config.hashCode(), RunConfig.read(copy).hashCode());
  }

  @Test
  void readsEveryField() throws IOException {
    RunConfig c = RunConfig.read(resource("classes-and-checkpoints.json"));
    assertEquals("development", c.version());
    assertEquals(VaeConfig.mlp(new Shape(1, 28, 28), new int[] {16}, 2, Likelihood.BERNOULLI), c.model());
    assertEquals(28, c.imageHeight());
    assertEquals(28, c.imageWidth());
    assertEquals(new TrainOptions(1, 128, 1e-3, 0, false, 1f, 0, 7, 0.1, false, 0), c.training());
    assertEquals(7, c.seed());
    assertEquals(DataSpec.of("digits"), c.data());
    assertEquals(List.of(1, 3), c.classes());
    assertNull(c.tensorboard());
    assertEquals(new RunConfig.Checkpointing(5, 3, false), c.checkpoints());
    assertEquals("cpu", c.device().name());
    assertEquals("cpu", c.device().requested());
    assertTrue(c.device().description().startsWith("oneDNN"));
    assertEquals(new Backends.GpuOptions(false, true), c.gpu());

    RunConfig g = RunConfig.read(resource("test-split-gaussian-adamw.json"));
    assertEquals(VaeConfig.mlp(new Shape(1, 28, 28), new int[] {16, 8}, 3, Likelihood.GAUSSIAN), g.model());
    assertEquals(new TrainOptions(2, 64, 0.002, 0.01, true, 0.5f, 2, 1, 0, true, 2), g.training());
    assertEquals("/tmp/rc-tb", g.tensorboard());
    assertNull(g.classes());
    assertEquals(new RunConfig.Checkpointing(0, 2, true), g.checkpoints());
    assertEquals(new RunConfig.Device("auto", "cpu", g.device().description()), g.device());
    assertEquals(new Backends.GpuOptions(false, false), g.gpu());

    assertEquals(new CsvReader.Format(true, true), RunConfig.read(resource("csv.json")).data().csv());
  }

  /** A named label column and a CSV row shape are recorded, and read back; the old CSV form stays as it was. */
  @Test
  void aNamedLabelColumnAndARowShapeRoundTrip() throws IOException {
    RunConfig old = RunConfig.read(resource("csv.json"));
    DataSpec named = new DataSpec("faces.csv", new CsvReader.Format(false, true, "label"),
        dev.vae4j.data.ImageSize.parse("6x10x3"), 0, false);
    RunConfig c = new RunConfig(old.version(), VaeConfig.mlp(new Shape(3, 6, 10), new int[] {8}, 2, Likelihood.BERNOULLI),
        6, 10, old.training(), named, null, null, old.checkpoints(), old.device(), old.gpu());
    Path file = dir.resolve("named.json");
    c.write(file);
    String json = Files.readString(file);
    assertTrue(json.contains("\"label_column\" : \"label\""), json);
    assertTrue(json.contains("\"input_shape\" : \"3x6x10\""), json);
    assertTrue(json.contains("\"image_size\" : \"6x10x3\""), json);
    assertEquals(c, RunConfig.read(file));
    assertFalse(Files.readString(resource("csv.json")).contains("label_column"));
    assertTrue(rejectionOf(json.replace("\"label_first\" : false", "\"label_first\" : true")).contains("not both"));
  }

  /** sgd writes its momentum, a non-zero L1 its coefficient; both read back; Adam runs write neither. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"sgd:0.9,0.001", "sgd,0", "rmsprop,0.01", "adamw,0.5"})
  void optimizerAndL1RoundTrip(String optimizer, double l1) throws IOException {
    RunConfig old = RunConfig.read(resource("csv.json"));
    dev.vae4j.train.OptimizerChoice choice = dev.vae4j.train.OptimizerChoice.parse(optimizer).withL1(l1);
    RunConfig c = new RunConfig(old.version(), old.model(), old.imageHeight(), old.imageWidth(),
        old.training().withOptimizer(choice), old.data(), null, null, old.checkpoints(), old.device(), old.gpu());
    Path file = dir.resolve("optimizer.json");
    c.write(file);
    String json = Files.readString(file);
    assertTrue(json.contains("\"optimizer\" : \"" + optimizer.split(":")[0] + "\""), json);
    assertEquals(optimizer.startsWith("sgd"), json.contains("\"momentum\""), json);
    assertEquals(l1 != 0, json.contains("\"l1\""), json);
    assertEquals(c, RunConfig.read(file));
    assertFalse(Files.readString(resource("csv.json")).contains("momentum"));
  }

  /** A non-ReLU MLP writes model.activation and reads it back; ReLU runs write none (their bytes stay). */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"elu", "tanh", "leaky-relu", "leaky-relu:0.2", "leaky-relu:1.0E-4", "gelu"})
  void theHiddenActivationRoundTrips(String given) throws IOException {
    dev.vae4j.backend.ActivationFunction activation = dev.vae4j.model.HiddenActivations.parse(given);
    RunConfig old = RunConfig.read(resource("csv.json"));
    VaeConfig model = VaeConfig.mlp(old.model().input(), old.model().hidden(), old.model().latent(),
        old.model().likelihood(), activation);
    RunConfig c = new RunConfig(old.version(), model, old.imageHeight(), old.imageWidth(), old.training(), old.data(),
        null, null, old.checkpoints(), old.device(), old.gpu());
    Path file = dir.resolve("activation.json");
    c.write(file);
    String json = Files.readString(file);
    String name = dev.vae4j.model.HiddenActivations.name(activation);
    assertEquals(given, name);
    assertTrue(json.contains("\"activation\" : \"" + name + "\""), json);
    assertFalse(json.contains("\"encoder\""), json);
    assertEquals(c, RunConfig.read(file));
    assertEquals(activation, RunConfig.read(file).model().hiddenActivation());
    assertFalse(Files.readString(resource("csv.json")).contains("activation"));
    assertEquals("model.activation leaky-relu's slope must be a number in (0, 1), got 'leaky-relu:0'",
        rejection(json.replace("\"" + name + "\"", "\"leaky-relu:0\"")));
    assertEquals("model.activation must be " + dev.vae4j.model.HiddenActivations.NAMES + ", got 'swish'",
        rejection(json.replace("\"" + name + "\"", "\"swish\"")));
  }

  /** --balance writes training.balance, which reads back; runs without it write no such key. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(dev.vae4j.train.Balance.class)
  void balanceRoundTrips(dev.vae4j.train.Balance balance) throws IOException {
    RunConfig old = RunConfig.read(resource("csv.json"));
    RunConfig c = new RunConfig(old.version(), old.model(), old.imageHeight(), old.imageWidth(),
        old.training().withBalance(balance), old.data(), null, null, old.checkpoints(), old.device(), old.gpu());
    Path file = dir.resolve("balance.json");
    c.write(file);
    String json = Files.readString(file);
    assertEquals(balance != dev.vae4j.train.Balance.NONE, json.contains("\"balance\""), json);
    assertEquals(c, RunConfig.read(file));
    if (balance != dev.vae4j.train.Balance.NONE) {
      assertTrue(rejectionOf(json.replace("\"" + balance.text() + "\"", "\"both\"")).contains("balance"), json);
    }
  }

  /** A clipping run writes clip_grad_norm and reads it back; runs without clipping have no such key. */
  @Test
  void clipGradNormRoundTrip() throws IOException {
    RunConfig old = RunConfig.read(resource("csv.json"));
    assertEquals(0, old.training().clipGradNorm(), "absent: no clipping");
    RunConfig c = new RunConfig(old.version(), old.model(), old.imageHeight(), old.imageWidth(),
        old.training().withClipGradNorm(2.5), old.data(), null, null, old.checkpoints(), old.device(), old.gpu());
    Path file = dir.resolve("clip.json");
    c.write(file);
    String json = Files.readString(file);
    assertTrue(json.contains("\"clip_grad_norm\" : 2.5"), json);
    assertEquals(c, RunConfig.read(file));
    assertEquals(2.5, RunConfig.read(file).training().clipGradNorm());
    assertFalse(Files.readString(resource("csv.json")).contains("clip_grad_norm"));
  }

  /** A drop probability above 0 is written and read back; 0 writes no key; one out of range is named. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(floats = {0f, 0.25f, 0.5f})
  void dropoutRoundTrips(float dropout) throws IOException {
    RunConfig old = RunConfig.read(resource("csv.json"));
    RunConfig c = new RunConfig(old.version(), old.model(), old.imageHeight(), old.imageWidth(),
        old.training().withDropout(dropout), old.data(), null, null, old.checkpoints(), old.device(), old.gpu());
    Path file = dir.resolve("dropout.json");
    c.write(file);
    String json = Files.readString(file);
    assertEquals(dropout > 0, json.contains("\"dropout\""), json);
    assertEquals(c, RunConfig.read(file));
    if (dropout > 0) {
      assertTrue(rejectionOf(json.replace("\"dropout\" : " + dropout, "\"dropout\" : 1.5")).contains("--dropout"), json);
    }
  }

  /** K above 1 is written and read back; 1 (the ELBO) writes no key; one out of range is named. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 5})
  void iwaeDrawsRoundTrip(int k) throws IOException {
    RunConfig old = RunConfig.read(resource("csv.json"));
    RunConfig c = new RunConfig(old.version(), old.model(), old.imageHeight(), old.imageWidth(),
        old.training().withIwaeK(k), old.data(), null, null, old.checkpoints(), old.device(), old.gpu());
    Path file = dir.resolve("iwae.json");
    c.write(file);
    String json = Files.readString(file);
    assertEquals(k > 1, json.contains("\"iwae_k\""), json);
    assertEquals(c, RunConfig.read(file));
    if (k > 1) {
      assertTrue(rejectionOf(json.replace("\"iwae_k\" : " + k, "\"iwae_k\" : 0")).contains("--iwae-k"), json);
      assertTrue(rejectionOf(json.replace("\"iwae_k\" : " + k, "\"iwae_k\" : 2.5")).contains("iwae_k"), json);
    }
  }

  /** --class-weights writes training.class_weights (auto, or the weights), which reads back; runs without it write no such key. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"none", "auto", "0.5,2,1e-3"})
  void classWeightsRoundTrip(String weights) throws IOException {
    RunConfig old = RunConfig.read(resource("csv.json"));
    assertEquals(dev.vae4j.train.ClassWeights.NONE, old.training().classWeights(), "absent: unweighted");
    dev.vae4j.train.ClassWeights w = dev.vae4j.train.ClassWeights.parse(weights);
    RunConfig c = new RunConfig(old.version(), old.model(), old.imageHeight(), old.imageWidth(),
        old.training().withClassWeights(w), old.data(), null, null, old.checkpoints(), old.device(), old.gpu());
    Path file = dir.resolve("weights.json");
    c.write(file);
    String json = Files.readString(file);
    assertEquals(w.enabled(), json.contains("\"class_weights\""), json);
    assertEquals(c, RunConfig.read(file));
    if (w.enabled()) {
      assertTrue(json.contains("\"class_weights\" : \"" + w.text() + "\""), json);
      assertTrue(rejectionOf(json.replace("\"" + w.text() + "\"", "\"1,-1\"")).contains("class_weights"), json);
    }
  }

  /** bf16 is written and read back; fp32 writes no key (older files read as fp32); an unknown value is named. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(dev.vae4j.backend.Precision.class)
  void precisionRoundTrips(dev.vae4j.backend.Precision precision) throws IOException {
    RunConfig old = RunConfig.read(resource("csv.json"));
    assertEquals(dev.vae4j.backend.Precision.FP32, old.training().precision());
    RunConfig c = new RunConfig(old.version(), old.model(), old.imageHeight(), old.imageWidth(),
        old.training().withPrecision(precision), old.data(), null, null, old.checkpoints(), old.device(), old.gpu());
    Path file = dir.resolve("precision.json");
    c.write(file);
    String json = Files.readString(file);
    assertEquals(precision != dev.vae4j.backend.Precision.FP32, json.contains("\"precision\""), json);
    assertEquals(c, RunConfig.read(file));
    if (precision == dev.vae4j.backend.Precision.BF16) {
      String bad = rejectionOf(json.replace("\"precision\" : \"bf16\"", "\"precision\" : \"fp16\""));
      assertTrue(bad.contains("training.precision") || bad.contains("/training/precision"), bad);
      assertTrue(bad.contains("not fp32 or bf16"), bad);
    }
  }

  private String rejectionOf(String json) throws IOException {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, json);
    return assertThrows(FormatException.class, () -> RunConfig.read(file)).getMessage();
  }

  @Test
  void olderRunsGetTheDefaultsTheyHad() throws IOException {
    RunConfig c = RunConfig.read(resource("legacy.json"));
    assertNull(c.version());
    assertEquals("cpu", c.device().requested(), "the device it ran on");
    assertEquals(RunConfig.Checkpointing.DEFAULTS, c.checkpoints());
    assertEquals(new Backends.GpuOptions(false, true), c.gpu());
    assertNull(c.classes());
  }

  @Test
  void isAPlainValue() throws IOException {
    RunConfig a = RunConfig.read(resource("classes-and-checkpoints.json"));
    RunConfig b = RunConfig.read(resource("classes-and-checkpoints.json"));
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    RunConfig moved = a.withDevice(new RunConfig.Device("cuda", "cuda", "a GPU"));
    assertNotEquals(a, moved);
    assertEquals("cuda", moved.device().name());
    assertEquals(a.training(), moved.training());
    assertFalse(a.toJson().contains("\n"));
  }

  private String rejection(String json) throws IOException {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, json);
    FormatException e = assertThrows(FormatException.class, () -> RunConfig.read(file));
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    return e.getMessage().substring(file.toString().length() + 2);
  }

  @Test
  void badFilesAreOneClearLine() throws IOException {
    String good = new String(getClass().getResourceAsStream("runconfig/classes-and-checkpoints.json").readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(rejection("{not json").startsWith("not valid JSON"));
    assertEquals("not a JSON object", rejection("[1, 2]"));
    assertEquals("lacks model.hidden", rejection("{}"));
    assertEquals("lacks training.epochs", rejection(good.replace("\"epochs\" : 1,", "")));
    assertEquals("training.epochs is not an integer", rejection(good.replace("\"epochs\" : 1,", "\"epochs\" : \"1\",")));
    assertEquals("training.learning_rate is not a number",
        rejection(good.replace("\"learning_rate\" : 0.001", "\"learning_rate\" : true")));
    assertEquals("data is not a string", rejection(good.replace("\"data\" : \"digits\"", "\"data\" : 3")));
    assertEquals("model.likelihood is 'poisson', not a known likelihood",
        rejection(good.replace("\"bernoulli\"", "\"poisson\"")));
    assertEquals("training.optimizer is 'lion', not adam, adamw, sgd or rmsprop", rejection(good.replace("\"adam\"", "\"lion\"")));
    assertEquals("training.validation is neither a fraction nor 'test'",
        rejection(good.replace("\"validation\" : 0.1", "\"validation\" : \"most\"")));
    assertEquals("model.image_height/image_width missing or not positive",
        rejection(good.replace("\"image_height\" : 28", "\"image_height\" : 0")));
    assertEquals("epochs must be > 0, got 0", rejection(good.replace("\"epochs\" : 1,", "\"epochs\" : 0,")));
    assertEquals("checkpoints.skip_nonfinite is not true or false",
        rejection(good.replace("\"skip_nonfinite\" : false", "\"skip_nonfinite\" : 0")));
    assertEquals("classes is not a list of integers", rejection(good.replace("[ 1, 3 ]", "[ \"one\" ]")));
    assertTrue(assertThrows(FormatException.class, () -> RunConfig.read(dir.resolve("none.json")))
        .getMessage().endsWith("none.json: no such file"));
  }
}
