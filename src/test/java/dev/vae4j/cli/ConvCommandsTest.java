package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.ok;
import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vae4j.io.SafeTensors;
import dev.vae4j.run.RunConfig;
import dev.vae4j.train.Checkpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny convolutional run ({@code --conv 4,8 --hidden 16 --latent 2}, 2 epochs of the bundled
 * digits) through every command: the model file has PyTorch's names and layouts, config.json
 * records the layers, and sample, reconstruct, encode, plot-latent, manifold, traverse,
 * interpolate, eval, score, anomaly-eval and bench work on it; a run stopped mid-way resumes to
 * the same bytes.
 */
class ConvCommandsTest {
  @TempDir static Path dir;
  static Path run;

  @BeforeAll
  static void train() {
    run = dir.resolve("conv");
    ok("train", "--conv", "4,8", "--hidden", "16", "--latent", "2", "--epochs", "2", "--batch-size", "256",
        "--checkpoint-every", "10", "--device", "cpu", "--out", run.toString());
  }

  @Test
  void theModelFileHasPyTorchNamesAndLayouts() throws Exception {
    SafeTensors.Contents model = SafeTensors.read(run.resolve("model.safetensors"));
    assertEquals("[4, 1, 4, 4]", Arrays.toString(model.tensors().get("enc.conv.0.weight").shape()));
    assertEquals("[8, 4, 4, 4]", Arrays.toString(model.tensors().get("enc.conv.1.weight").shape()));
    assertEquals("[16, 392]", Arrays.toString(model.tensors().get("enc.fc.0.weight").shape()));
    assertEquals("[2, 16]", Arrays.toString(model.tensors().get("enc.mu.weight").shape()));
    assertEquals("[392, 16]", Arrays.toString(model.tensors().get("dec.fc.1.weight").shape()));
    assertEquals("[8, 4, 4, 4]", Arrays.toString(model.tensors().get("dec.deconv.0.weight").shape()));
    assertEquals("[4, 1, 4, 4]", Arrays.toString(model.tensors().get("dec.deconv.1.weight").shape()));
    assertFalse(model.tensors().containsKey("dec.out.weight"));
  }

  @Test
  void configJsonRecordsTheLayersAndReadsBack() throws Exception {
    JsonNode model = new ObjectMapper().readTree(run.resolve("config.json").toFile()).get("model");
    assertEquals("conv:4:4:2:1:relu conv:8:4:2:1:relu fc:16:relu", model.get("encoder").asText());
    assertEquals("fc:16:relu fc:392:relu reshape:8x7x7 deconv:4:4:2:1:relu deconv:1:4:2:1:identity",
        model.get("decoder").asText());
    RunConfig config = RunConfig.read(run.resolve("config.json"));
    assertEquals("1x28x28-c4-c8-16-2", config.model().describe());
  }

  @Test
  void everyCommandWorksOnIt() throws Exception {
    String r = run.toString();
    ok("sample", "--run", r, "--device", "cpu", "--out", dir.resolve("s.png").toString(), "--count", "8", "--rows", "2");
    assertTrue(ImageIO.read(dir.resolve("s.png").toFile()).getWidth() > 0);
    ok("reconstruct", "--run", r, "--device", "cpu", "--out", dir.resolve("r.png").toString(), "--indices", "0,1,2");
    ok("encode", "--run", r, "--device", "cpu", "--out", dir.resolve("codes.csv").toString());
    assertEquals(1 + 1663, Files.readAllLines(dir.resolve("codes.csv")).size());
    ok("plot-latent", "--run", r, "--device", "cpu", "--out", dir.resolve("p.png").toString());
    ok("manifold", "--run", r, "--device", "cpu", "--out", dir.resolve("m.png").toString(), "--side", "5");
    ok("traverse", "--run", r, "--device", "cpu", "--out", dir.resolve("t.png").toString(), "--index", "3", "--steps", "5");
    ok("interpolate", "--run", r, "--device", "cpu", "--out", dir.resolve("i.png").toString(), "--from", "0", "--to",
        "9", "--steps", "4");
    JsonNode eval = new ObjectMapper().readTree(ok("eval", "--run", r, "--device", "cpu", "--k", "5", "--json").out());
    double elbo = eval.get("negative_elbo").asDouble(), iwae = eval.get("negative_iwae").asDouble();
    assertTrue(iwae < elbo && elbo < 400, "IWAE " + iwae + ", ELBO " + elbo);
    ok("score", "--run", r, "--device", "cpu", "--out", dir.resolve("scores.csv").toString(), "--k", "3");
    assertEquals(1 + 1663, Files.readAllLines(dir.resolve("scores.csv")).size());
    ok("anomaly-eval", "--run", r, "--device", "cpu", "--normal-classes", "0,2,3,4,5,6,7,8,9", "--k", "3", "--out",
        dir.resolve("roc.png").toString());
    CliRun bench = ok("bench", "--device", "cpu", "--json", "--conv", "4,8", "--hidden", "16", "--latent", "2",
        "--batch-size", "16", "--steps", "2", "--warmup", "1", "--max-warmup-seconds", "0");
    assertEquals("1x28x28-c4-c8-16-2", new ObjectMapper().readTree(bench.out()).get(0).get("model").asText());
  }

  @Test
  void anInterruptedRunResumesToTheSameWeights() throws Exception {
    Path copy = dir.resolve("resume");
    ok("train", "--conv", "4,8", "--hidden", "16", "--latent", "2", "--epochs", "2", "--batch-size", "256",
        "--checkpoint-every", "10", "--device", "cpu", "--out", copy.toString());
    byte[] expected = Files.readAllBytes(copy.resolve("model.safetensors"));
    Files.delete(copy.resolve("model.safetensors"));
    List<Path> steps = Checkpoints.stepFiles(copy);
    Files.delete(steps.get(steps.size() - 1));
    CliRun resumed = ok("train", "--resume", copy.toString());
    assertTrue(resumed.err().contains("resuming from checkpoint-step-"), resumed.err());
    assertTrue(Arrays.equals(expected, Files.readAllBytes(copy.resolve("model.safetensors"))), "same weights");
  }

  @Test
  void stridesThatDoNotDivideTheImageAreAUsageErrorNamingSizesThatWork() {
    Path out = dir.resolve("bad");
    CliRun bad = run("train", "--conv", "8,16,32", "--epochs", "1", "--device", "cpu", "--out", out.toString());
    assertEquals(2, bad.code(), bad.err());
    assertTrue(bad.err().contains("--conv 8,16,32 on 1x28x28 images") && bad.err().contains("multiples of 8")
        && bad.err().contains("24 or 32 would work"), bad.err());
    assertFalse(Files.exists(out), "nothing written");
  }
}
