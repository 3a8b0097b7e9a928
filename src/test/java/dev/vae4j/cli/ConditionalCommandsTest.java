package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.Vae;
import dev.vae4j.backend.cpu.CpuBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --conditional} and the commands that then take {@code --class}: the usage errors,
 * config.json's record, a resume that keeps the model, and the pictures of one class or of each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConditionalCommandsTest {
  @TempDir Path dir;

  @Test
  void unlabelledDataIsRefusedInOneLine() throws Exception {
    OptionRuns.refusesUnlabelledData(dir, "--conditional");
  }

  /** A conv model takes the one-hot beside its flattened features: it trains, and sample --class draws from it. */
  @Test
  void aConvModelTrainsAndSamplesAClass() throws Exception {
    Path run = dir.resolve("conv");
    CliRun o = run("train", "--conditional", "--conv", "8", "--hidden", "16", "--latent", "2", "--epochs", "1",
        "--batch-size", "512", "--device", "cpu", "--out", run.toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(Files.readString(run.resolve("config.json")).contains("\"conditional\""));
    CliRun sample = run("sample", "--run", run.toString(), "--class", "5", "--count", "4", "--out", dir.resolve("c.png").toString());
    assertEquals(0, sample.code(), sample.err());
  }

  /** One run: config.json, a resume bit-exact with the straight run, sample --class by label and name, and the bad ones. */
  @Test
  void trainResumeAndSampleByClass() throws Exception {
    String[] common = {"train", "--conditional", "--hidden", "32", "--latent", "2", "--batch-size", "256",
        "--checkpoint-every", "7", "--device", "cpu"};
    Path straight = dir.resolve("straight"), resumed = dir.resolve("resumed");
    CliRun two = run(OptionRuns.concat(common, "--epochs", "2", "--out", straight.toString()));
    assertEquals(0, two.code(), two.err());
    assertEquals(0, run(OptionRuns.concat(common, "--epochs", "1", "--out", resumed.toString())).code());
    CliRun more = run("train", "--resume", resumed.toString(), "--epochs", "2");
    assertEquals(0, more.code(), more.err());
    String json = Files.readString(resumed.resolve("config.json"));
    assertTrue(json.contains("\"conditional\" : {") && json.contains("\"classes\" : 10"), json);
    try (CpuBackend cpu = new CpuBackend()) {
      Vae a = Vae.load(straight.resolve("model.safetensors"), cpu), b = Vae.load(resumed.resolve("model.safetensors"), cpu);
      assertEquals(10, a.config().classes());
      assertArrayEquals(a.parameters(), b.parameters(), "resumed as the conditional model it began as");
    }
    assertTrue(Files.size(straight.resolve("samples.png")) > 0);

    Path three = dir.resolve("three.png");
    CliRun bySample = run("sample", "--run", straight.toString(), "--class", "3", "--count", "8", "--out", three.toString());
    assertEquals(0, bySample.code(), bySample.err());
    assertTrue(Files.size(three) > 0);
    CliRun perClass = run("sample", "--run", straight.toString(), "--out", dir.resolve("all.png").toString());
    assertEquals(0, perClass.code(), perClass.err());
    assertEquals(0, run("manifold", "--run", straight.toString(), "--class", "7", "--side", "4",
        "--out", dir.resolve("m.png").toString()).code());
    assertEquals(0, run("traverse", "--run", straight.toString(), "--steps", "3", "--out", dir.resolve("t.png").toString()).code());
    CliRun score = run("score", "--run", straight.toString(), "--k", "2", "--out", dir.resolve("s.csv").toString());
    assertEquals(0, score.code(), score.err());

    CliRun unknown = run("sample", "--run", straight.toString(), "--class", "cat", "--out", dir.resolve("x.png").toString());
    assertEquals(2, unknown.code(), unknown.err());
    assertEquals("vae4j: error: --class 'cat' is not a class of this model: labels 0-9 or 0, 1, 2, 3, 4, 5, 6, 7, 8, 9",
        unknown.err().lines().filter(l -> l.startsWith("vae4j: error:")).findFirst().orElse(""));
    // As a dataset: the draws cycle through the classes, each decoded as its own, labelled so.
    Path generated = dir.resolve("generated");
    CliRun asDataset = run("sample", "--run", straight.toString(), "--count", "25", "--as-dataset", generated.toString(),
        "--format", "folder");
    assertEquals(0, asDataset.code(), asDataset.err());
    for (int c = 0; c < 10; c++) {
      try (var files = Files.list(generated.resolve(Integer.toString(c)))) {
        assertEquals(c < 5 ? 3 : 2, files.count(), "class " + c);
      }
    }
    Path idx = dir.resolve("generated-idx");
    assertEquals(0, run("sample", "--run", straight.toString(), "--count", "30", "--as-dataset", idx.toString()).code());
    try (CpuBackend cpu = new CpuBackend()) {
      dev.vae4j.data.Dataset back = dev.vae4j.data.Datasets.load(idx.toString()).train();
      assertEquals(27, back.count());
      for (int i = 0; i < back.count(); i++) assertEquals(i % 10, back.labels()[i], "image " + i);
    }
    CliRun withIwae = run(OptionRuns.concat(common, "--epochs", "1", "--iwae-k", "3", "--out", dir.resolve("iwae").toString()));
    assertEquals(2, withIwae.code(), withIwae.err());
    assertTrue(withIwae.err().contains("--iwae-k does not combine with --conditional"), withIwae.err());

    CliRun noClass = run("manifold", "--run", straight.toString(), "--out", dir.resolve("y.png").toString());
    assertEquals(2, noClass.code(), noClass.err());
    assertEquals("vae4j: error: a conditional model's manifold is of one class: give --class",
        noClass.err().lines().filter(l -> l.startsWith("vae4j: error:")).findFirst().orElse(""));
  }

  @Test
  void classNeedsAConditionalModel() {
    Path plain = dir.resolve("plain");
    assertEquals(0, run("train", "--hidden", "16", "--latent", "2", "--epochs", "1", "--batch-size", "512", "--device", "cpu",
        "--out", plain.toString()).code());
    CliRun o = run("sample", "--run", plain.toString(), "--class", "3", "--out", dir.resolve("p.png").toString());
    assertEquals(2, o.code(), o.err());
    List<String> lines = o.err().strip().lines().toList();
    assertEquals(List.of("vae4j: error: --class needs a conditional model", "train one with --conditional"),
        lines.subList(lines.size() - 2, lines.size()));
  }
}
