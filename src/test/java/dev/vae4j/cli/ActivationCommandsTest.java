package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.ok;
import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vae4j.Vae;
import dev.vae4j.backend.ActivationFunction;
import dev.vae4j.model.HiddenActivations;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.run.RunConfig;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code train --activation}: a tanh MLP's config.json and model file say so, and sample, eval
 * and a resumed train rebuild it with tanh; bad values are one line naming the option, exit 2.
 */
class ActivationCommandsTest {
  @TempDir Path dir;

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"tanh", "leaky-relu:0.2", "gelu"})
  void aRunIsRebuiltWithItsActivationByEveryCommand(String name) throws Exception {
    ActivationFunction act = HiddenActivations.parse(name);
    Path run = dir.resolve("run");
    String r = run.toString();
    ok("train", "--activation", name, "--hidden", "16", "--latent", "2", "--epochs", "1", "--batch-size", "256",
        "--device", "cpu", "--out", r);
    JsonNode model = new ObjectMapper().readTree(run.resolve("config.json").toFile()).get("model");
    assertEquals(name, model.get("activation").asText());
    assertEquals(act, RunConfig.read(run.resolve("config.json")).model().hiddenActivation());
    try (CpuBackend backend = new CpuBackend()) {
      assertEquals(act, Vae.load(run.resolve("model.safetensors"), backend).config().hiddenActivation());
    }
    ok("sample", "--run", r, "--device", "cpu", "--out", dir.resolve("s.png").toString(), "--count", "4", "--rows", "2");
    assertTrue(ImageIO.read(dir.resolve("s.png").toFile()).getWidth() > 0);
    JsonNode eval = new ObjectMapper().readTree(ok("eval", "--run", r, "--device", "cpu", "--k", "2", "--json").out());
    assertTrue(eval.get("negative_elbo").asDouble() < 550, eval.toString());
    ok("train", "--resume", r, "--epochs", "2");
    assertEquals(act, RunConfig.read(run.resolve("config.json")).model().hiddenActivation());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "swish|--activation must be relu, leaky-relu[:SLOPE] (SLOPE in (0, 1)), elu, gelu or tanh, got 'swish'",
      "leaky-relu:-0.1|--activation leaky-relu's slope must be a number in (0, 1), got 'leaky-relu:-0.1'",
      "leaky-relu:0|--activation leaky-relu's slope must be a number in (0, 1), got 'leaky-relu:0'",
      "leaky-relu:1|--activation leaky-relu's slope must be a number in (0, 1), got 'leaky-relu:1'",
      "leaky-relu:1e-50|--activation leaky-relu's slope must be a number in (0, 1), got 'leaky-relu:1e-50'",
      "leaky-relu:NaN|--activation leaky-relu's slope must be a number in (0, 1), got 'leaky-relu:NaN'",
      "leaky-relu:x|--activation leaky-relu's slope must be a number in (0, 1), got 'leaky-relu:x'"})
  void badValuesAreOneLineUsageErrors(String value, String message) {
    CliRun o = run("train", "--activation", value, "--out", dir.resolve("never").toString());
    assertEquals(2, o.code(), o.err());
    assertEquals("vae4j: error: " + message, o.err().lines().findFirst().orElse(""), o.err());
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"elu", "tanh"})
  void dropoutIsRefusedWithAnActivationWhoseBackwardReadsTheOutput(String activation) {
    CliRun o = run("train", "--activation", activation, "--dropout", "0.2", "--out", dir.resolve("never").toString());
    assertEquals(2, o.code(), o.err());
    assertEquals("vae4j: error: --dropout works with --activation relu, leaky-relu or gelu, not " + activation
        + " (its backward reads the output, which dropout scales)", o.err().lines().findFirst().orElse(""), o.err());
  }

  /**
   * {@code --conv} with {@code --activation gelu --dropout}: the dense layers take GELU (the
   * convolutions keep ReLU), config.json's and the model file's layer specs say so, and sample and a
   * resumed train rebuild it.
   */
  @Test
  void aConvolutionalModelTakesTheActivationInItsDenseLayers() throws Exception {
    Path run = dir.resolve("conv");
    String r = run.toString();
    ok("train", "--conv", "4", "--hidden", "8", "--latent", "2", "--activation", "gelu", "--dropout", "0.1",
        "--epochs", "1", "--batch-size", "500", "--device", "cpu", "--out", r);
    JsonNode model = new ObjectMapper().readTree(run.resolve("config.json").toFile()).get("model");
    assertEquals("conv:4:4:2:1:relu fc:8:gelu", model.get("encoder").asText());
    assertEquals("fc:8:gelu fc:784:gelu reshape:4x14x14 deconv:1:4:2:1:identity", model.get("decoder").asText());
    assertTrue(!model.has("activation"), model.toString());
    VaeConfig config = RunConfig.read(run.resolve("config.json")).model();
    assertEquals(ActivationFunction.of(dev.vae4j.backend.Activation.GELU), config.denseActivation());
    try (CpuBackend backend = new CpuBackend()) {
      assertEquals(config, Vae.load(run.resolve("model.safetensors"), backend).config());
    }
    ok("sample", "--run", r, "--device", "cpu", "--out", dir.resolve("s.png").toString(), "--count", "4", "--rows", "2");
    ok("train", "--resume", r, "--epochs", "2");
    assertEquals(config, RunConfig.read(run.resolve("config.json")).model());
  }
}
