package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.ok;
import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vae4j.backend.Likelihood;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code train --likelihood continuous-bernoulli|gaussian-learned} on the bundled digits (784-128-10,
 * 3 epochs, batch 128, seed 1), then sample, reconstruct, eval and score on those runs. The stated
 * validation losses (README, "Loss"): continuous Bernoulli below {@value #CB_VAL_LOSS} nats per
 * image, learned Gaussian below {@value #GL_VAL_LOSS}.
 */
class LikelihoodCommandsTest {
  /** Validation loss (nats per image) the continuous-Bernoulli run must reach (measured: -1917.1 on 2 cores). */
  static final double CB_VAL_LOSS = -1800;
  /** Validation loss (nats per image) the learned-Gaussian run must reach (measured: -758.5 on 2 cores). */
  static final double GL_VAL_LOSS = -650;

  @TempDir static Path dir;
  private static final Map<Likelihood, Path> RUNS = new EnumMap<>(Likelihood.class);

  @BeforeAll
  static void train() {
    for (Likelihood l : List.of(Likelihood.CONTINUOUS_BERNOULLI, Likelihood.GAUSSIAN_LEARNED)) {
      Path run = dir.resolve(l.cliName());
      ok("train", "--likelihood", l.cliName(), "--epochs", "3", "--hidden", "128", "--latent", "10", "--seed", "1",
          "--device", "cpu", "--out", run.toString());
      RUNS.put(l, run);
    }
  }

  private static double lastValidationLoss(Path run) throws Exception {
    List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
    return new ObjectMapper().readTree(lines.get(lines.size() - 1)).get("val_loss").asDouble();
  }

  @Test
  void trainingReachesTheStatedValidationLoss() throws Exception {
    double cb = lastValidationLoss(RUNS.get(Likelihood.CONTINUOUS_BERNOULLI));
    double gl = lastValidationLoss(RUNS.get(Likelihood.GAUSSIAN_LEARNED));
    System.out.printf("validation loss after 3 epochs: continuous-bernoulli %.2f, gaussian-learned %.2f nats%n", cb, gl);
    assertTrue(cb < CB_VAL_LOSS, "continuous-bernoulli validation loss " + cb);
    assertTrue(gl < GL_VAL_LOSS, "gaussian-learned validation loss " + gl);
  }

  @ParameterizedTest
  @EnumSource(value = Likelihood.class, names = {"CONTINUOUS_BERNOULLI", "GAUSSIAN_LEARNED"})
  void configNamesTheLikelihoodAndTheModelHasItsOutputs(Likelihood l) throws Exception {
    Path run = RUNS.get(l);
    JsonNode config = new ObjectMapper().readTree(run.resolve("config.json").toFile());
    assertEquals(l.cliName(), config.get("model").get("likelihood").asText());
    dev.vae4j.io.SafeTensors.Contents model = dev.vae4j.io.SafeTensors.read(run.resolve("model.safetensors"));
    long[] shape = model.tensors().get("dec.out.weight").shape();
    assertEquals(l.outputsPerValue() * 784L, shape[0], "dec.out has outputsPerValue() * 784 outputs");
  }

  @ParameterizedTest
  @EnumSource(value = Likelihood.class, names = {"CONTINUOUS_BERNOULLI", "GAUSSIAN_LEARNED"})
  void sampleAndReconstructWritePictures(Likelihood l) throws Exception {
    Path run = RUNS.get(l), samples = dir.resolve(l.cliName() + "-samples.png"), recon = dir.resolve(l.cliName() + "-recon.png");
    ok("sample", "--run", run.toString(), "--device", "cpu", "--out", samples.toString(), "--count", "8", "--rows", "2");
    BufferedImage image = ImageIO.read(samples.toFile());
    assertEquals(2 + 4 * (28 * 2 + 2), image.getWidth());
    int[] px = image.getRaster().getPixels(0, 0, image.getWidth(), image.getHeight(), (int[]) null);
    assertTrue(java.util.Arrays.stream(px).distinct().count() > 10, "samples have gray levels");
    ok("reconstruct", "--run", run.toString(), "--device", "cpu", "--out", recon.toString(), "--indices", "0,1,2", "--cols", "3");
    assertEquals(2 + 2 * (28 * 2 + 2), ImageIO.read(recon.toFile()).getHeight());
    CliRun binary = run("sample", "--run", run.toString(), "--device", "cpu", "--out", samples.toString(), "--binary");
    assertEquals(1, binary.code(), "binary samples need a Bernoulli model: " + binary.err());
  }

  @ParameterizedTest
  @EnumSource(value = Likelihood.class, names = {"CONTINUOUS_BERNOULLI", "GAUSSIAN_LEARNED"})
  void evalReportsNatsAndBitsPerDimension(Likelihood l) throws Exception {
    Path run = RUNS.get(l);
    CliRun table = ok("eval", "--run", run.toString(), "--device", "cpu", "--k", "5");
    assertTrue(table.out().contains("bits/dim"), table.out());
    JsonNode o = new ObjectMapper().readTree(ok("eval", "--run", run.toString(), "--device", "cpu", "--k", "5", "--json").out());
    double elbo = o.get("negative_elbo").asDouble(), iwae = o.get("negative_iwae").asDouble();
    assertEquals(l.cliName(), o.get("likelihood").asText());
    assertEquals(784, o.get("dimensions").asInt());
    assertEquals(Math.log(256), o.get("discretization_nats_per_dim").asDouble(), 1e-12);
    assertEquals((elbo + 784 * Math.log(256)) / (784 * Math.log(2)), o.get("negative_elbo_bits_per_dim").asDouble(), 1e-9);
    assertEquals((iwae + 784 * Math.log(256)) / (784 * Math.log(2)), o.get("negative_iwae_bits_per_dim").asDouble(), 1e-9);
    assertTrue(iwae < elbo, "IWAE " + iwae + " vs ELBO " + elbo);
    System.out.printf("%s: -ELBO %.2f nats (%.4f bits/dim), IWAE-5 %.2f nats%n", l.cliName(), elbo,
        o.get("negative_elbo_bits_per_dim").asDouble(), iwae);
  }

  @ParameterizedTest
  @EnumSource(value = Likelihood.class, names = {"CONTINUOUS_BERNOULLI", "GAUSSIAN_LEARNED"})
  void scoreWritesOneScorePerImage(Likelihood l) throws Exception {
    Path csv = dir.resolve(l.cliName() + "-scores.csv");
    ok("score", "--run", RUNS.get(l).toString(), "--device", "cpu", "--out", csv.toString(), "--k", "3");
    List<String> lines = Files.readAllLines(csv);
    assertEquals("index,label,score", lines.get(0));
    assertEquals(1 + 1663, lines.size());
    for (String line : lines.subList(1, lines.size())) assertTrue(Double.isFinite(Double.parseDouble(line.split(",")[2])), line);
  }

  /** config.json's likelihood name reads back: a run killed mid-training resumes to the same weights. */
  @ParameterizedTest
  @EnumSource(value = Likelihood.class, names = {"CONTINUOUS_BERNOULLI", "GAUSSIAN_LEARNED"})
  void anInterruptedRunResumesWithItsLikelihood(Likelihood l) throws Exception {
    Path run = dir.resolve(l.cliName() + "-resume");
    ok("train", "--likelihood", l.cliName(), "--epochs", "2", "--hidden", "16", "--latent", "2", "--batch-size", "256",
        "--checkpoint-every", "10", "--keep-checkpoints", "3", "--device", "cpu", "--out", run.toString());
    byte[] expected = Files.readAllBytes(run.resolve("model.safetensors"));
    Files.delete(run.resolve("model.safetensors"));
    List<Path> steps = dev.vae4j.train.Checkpoints.stepFiles(run);
    Files.delete(steps.get(steps.size() - 1));
    CliRun resumed = ok("train", "--resume", run.toString());
    assertTrue(resumed.err().contains("resuming from checkpoint-step-"), resumed.err());
    assertTrue(java.util.Arrays.equals(expected, Files.readAllBytes(run.resolve("model.safetensors"))), "same weights");
  }
}
