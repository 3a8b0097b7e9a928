package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.ok;
import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** anomaly-benchmark end to end on the bundled digits with a tiny recipe. */
class AnomalyBenchmarkCommandTest {
  @TempDir Path dir;

  private static String[] args(Path out, String classes, String... more) {
    List<String> a = new java.util.ArrayList<>(List.of("anomaly-benchmark", "--protocol", "one-class", "--out", out.toString(),
        "--classes", classes, "--epochs", "1", "--hidden", "32", "--latent", "4", "--device", "cpu", "--k", "3",
        "--scores", "elbo,recon-mse,mahalanobis,knn,complexity"));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  @Test
  void oneClassRunsScoresResumesAndRepeats() throws Exception {
    Path out = dir.resolve("bench");
    CliRun first = ok(args(out, "0"));
    assertTrue(first.out().contains("mean"), first.out());
    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertEquals("class,score,roc_auc,average_precision", csv.get(0));
    assertEquals(1 + 5 + 5, csv.size(), csv.toString());
    assertTrue(csv.get(1).startsWith("0,elbo,"), csv.get(1));
    assertTrue(csv.get(6).startsWith("mean,elbo,"), csv.get(6));
    assertTrue(Files.exists(out.resolve("results.md")));
    assertTrue(Files.size(out.resolve("results.png")) > 1000);
    Path model = out.resolve("class-0").resolve("model.safetensors");
    long modified = Files.getLastModifiedTime(model).toMillis();
    byte[] scores = Files.readAllBytes(out.resolve("class-0").resolve("scores-knn.csv"));

    // A half-trained class left by a kill is started over; a finished one is kept as it is.
    Files.createDirectories(out.resolve("class-1.partial"));
    Files.writeString(out.resolve("class-1.partial").resolve("config.json"), "{}");
    CliRun second = ok(args(out, "0,1"));
    assertTrue(second.err().contains("class-0: model done, scores done"), second.err());
    assertTrue(second.err().contains("class-1: trained"), second.err());
    assertEquals(modified, Files.getLastModifiedTime(model).toMillis());
    assertFalse(Files.exists(out.resolve("class-1.partial")));
    assertEquals(1 + 10 + 5, Files.readAllLines(out.resolve("results.csv")).size());

    // The same recipe elsewhere gives the same figures.
    Path again = dir.resolve("again");
    ok(args(again, "0"));
    assertEquals(new String(scores), Files.readString(again.resolve("class-0").resolve("scores-knn.csv")));
    assertEquals(csv, Files.readAllLines(again.resolve("results.csv")));

    // Other options into the same folder: refused, naming the difference, nothing changed.
    byte[] results = Files.readAllBytes(out.resolve("results.csv"));
    CliRun other = run(args(out, "0", "--lr", "2e-3"));
    assertEquals(2, other.code(), other.err());
    assertTrue(other.err().contains("train_options"), other.err());
    assertEquals(new String(results), Files.readString(out.resolve("results.csv")));
  }

  @Test
  void badInputIsOneLine() {
    Path out = dir.resolve("bad");
    CliRun unknown = run("anomaly-benchmark", "--protocol", "one-class", "--out", out.toString(), "--scores", "ink");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("unknown score 'ink'"), unknown.err());
    assertEquals(2, run("anomaly-benchmark", "--protocol", "two-class", "--out", out.toString()).code());
    assertEquals(2, run("anomaly-benchmark", "--protocol", "ood", "--out", out.toString()).code());
    CliRun noClass = run("anomaly-benchmark", "--protocol", "one-class", "--out", out.toString(), "--classes", "11");
    assertTrue(noClass.code() != 0 && noClass.err().lines().count() <= 2, noClass.err());
    CliRun own = run("anomaly-benchmark", "--protocol", "one-class", "--out", out.toString(), "--overwrite");
    assertEquals(2, own.code(), own.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void oodTakesAnotherDatasetsTestSplitAsTheAnomaly() throws Exception {
    // The digits' test images turned upside down, as a CSV of one image per line with its label.
    dev.vae4j.data.Dataset test = dev.vae4j.data.Datasets.bundledDigits().test();
    StringBuilder csv = new StringBuilder();
    float[] px = test.pixels();
    for (int i = 0; i < 200; i++) {
      StringBuilder row = new StringBuilder();
      for (int p = 783; p >= 0; p--) row.append(row.length() == 0 ? "" : ",").append(px[i * 784 + p]);
      csv.append(row).append('\n');
    }
    Path flipped = dir.resolve("flipped.csv");
    Files.writeString(flipped, csv);
    Path out = dir.resolve("ood");
    CliRun o = ok("anomaly-benchmark", "--protocol", "ood", "--ood-data", flipped.toString(), "--out", out.toString(),
        "--epochs", "1", "--hidden", "32", "--latent", "4", "--device", "cpu", "--k", "2", "--scores", "elbo,knn");
    List<String> lines = Files.readAllLines(out.resolve("results.csv"));
    assertEquals(1 + 2 + 2, lines.size(), lines.toString());
    assertTrue(lines.get(1).startsWith("ood,elbo,"), lines.get(1));
    assertEquals(1 + 1663 + 200, Files.readAllLines(out.resolve("model").resolve("scores-knn.csv")).size());
    assertTrue(o.out().contains("mean"), o.out());
  }

  @Test
  void oodOfAnotherSizeAndUnlabelledDataAreRefused() throws Exception {
    StringBuilder small = new StringBuilder();
    for (int i = 0; i < 20; i++) small.append("0").append(",0.5".repeat(99)).append('\n');
    Path tiny = dir.resolve("tiny.csv");
    Files.writeString(tiny, small);
    Path out = dir.resolve("refused");
    CliRun ood = run("anomaly-benchmark", "--protocol", "ood", "--ood-data", tiny.toString(), "--out", out.toString(), "--device", "cpu");
    assertEquals(1, ood.code(), ood.err());
    assertTrue(ood.err().contains("10x10") && ood.err().contains("28x28"), ood.err());
    CliRun unlabelled = run("anomaly-benchmark", "--protocol", "one-class", "--data", tiny.toString(), "--out", out.toString(),
        "--device", "cpu");
    assertEquals(1, unlabelled.code(), unlabelled.err());
    assertTrue(unlabelled.err().contains("no labels") || unlabelled.err().contains("no test split"), unlabelled.err());
    assertFalse(Files.exists(out));
  }
}
