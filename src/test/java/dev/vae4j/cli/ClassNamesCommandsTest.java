package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.ok;
import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vae4j.data.Dataset;
import dev.vae4j.data.IdxWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Class names through the commands, on a small Fashion-MNIST-named IDX folder: --classes by name,
 * encode's and score's label_name column, anomaly-eval's named classes; and a Kaggle-style CSV
 * (header row, label column by name) that just works.
 */
class ClassNamesCommandsTest {
  @TempDir static Path dir;
  private static Path fashion, run;

  @BeforeAll
  static void train() throws Exception {
    long seed = new Random().nextLong();
    System.out.println("ClassNamesCommandsTest seed " + seed);
    Random random = new Random(seed);
    fashion = Files.createDirectories(dir.resolve("my-fashion-mnist"));
    int n = 60;
    byte[] pixels = new byte[n * 16];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 4;
      for (int p = 0; p < 16; p++) pixels[i * 16 + p] = (byte) (p % 4 == labels[i] ? 200 + random.nextInt(56) : random.nextInt(50));
    }
    Dataset images = Dataset.ofBytes("fixture", pixels, labels, n, 4, 4);
    for (String split : List.of("train", "t10k")) {
      IdxWriter.writeImages(fashion.resolve(split + "-images-idx3-ubyte"), images);
      IdxWriter.writeLabels(fashion.resolve(split + "-labels-idx1-ubyte"), labels);
    }
    run = dir.resolve("run");
    ok("train", "--data", fashion.toString(), "--classes", "t-shirt/top,TROUSER", "--epochs", "1", "--batch-size", "8",
        "--hidden", "8", "--latent", "2", "--device", "cpu", "--out", run.toString());
  }

  @Test
  void classesAreChosenByNameAndRecordedAsLabels() throws Exception {
    JsonNode config = new ObjectMapper().readTree(run.resolve("config.json").toFile());
    assertEquals("[0,1]", config.get("classes").toString());
    Path out = dir.resolve("refused");
    CliRun unknown = run("train", "--data", fashion.toString(), "--classes", "boot", "--epochs", "1", "--device", "cpu",
        "--out", out.toString());
    assertEquals(2, unknown.code(), unknown.err());
    // A usage error's two lines: what is wrong, then the names to choose from.
    assertTrue(unknown.err().contains("--classes: no class 'boot'\nthe classes are T-shirt/top, Trouser, Pullover"), unknown.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void encodeScoreAndAnomalyEvalNameTheClasses() throws Exception {
    String r = run.toString();
    Path codes = dir.resolve("codes.csv");
    ok("encode", "--run", r, "--device", "cpu", "--out", codes.toString());
    List<String> lines = Files.readAllLines(codes);
    assertEquals("index,label,mu_0,mu_1,logvar_0,logvar_1,label_name", lines.get(0), "the name column comes last");
    assertTrue(lines.get(1).startsWith("0,0,") && lines.get(1).endsWith(",T-shirt/top"), lines.get(1));
    assertTrue(lines.get(4).endsWith(",Dress"), lines.get(4));

    Path scores = dir.resolve("scores.csv");
    ok("score", "--run", r, "--device", "cpu", "--out", scores.toString(), "--k", "2", "--threshold", "1");
    lines = Files.readAllLines(scores);
    assertEquals("index,label,score,flag,label_name", lines.get(0));
    assertTrue(lines.get(3).endsWith(",Pullover"), lines.get(3));

    CliRun table = ok("anomaly-eval", "--run", r, "--device", "cpu", "--normal-classes", "T-shirt/top,1", "--k", "2", "--out",
        dir.resolve("roc.png").toString());
    assertTrue(table.out().contains("normal classes [0 T-shirt/top, 1 Trouser]"), table.out());
    assertTrue(table.out().contains("class 2 Pullover"), table.out());
    assertTrue(table.out().contains("class 3 Dress"), table.out());
    CliRun json = ok("anomaly-eval", "--run", r, "--device", "cpu", "--normal-classes", "0,trouser", "--k", "2", "--json",
        "--out", dir.resolve("roc.png").toString());
    JsonNode j = new ObjectMapper().readTree(json.out());
    assertEquals("Dress", j.at("/held_out/3/name").asText());
    assertEquals("[0,1]", j.get("normal_classes").toString());
    assertEquals("[\"T-shirt/top\",\"Trouser\"]", j.get("normal_class_names").toString());
    CliRun unknown = run("anomaly-eval", "--run", r, "--device", "cpu", "--normal-classes", "socks", "--out",
        dir.resolve("never.png").toString());
    assertEquals(2, unknown.code(), unknown.err());
    assertTrue(unknown.err().contains("--normal-classes: no class 'socks'"), unknown.err());
    assertFalse(Files.exists(dir.resolve("never.png")));

    ok("plot-latent", "--run", r, "--device", "cpu", "--out", dir.resolve("latent.png").toString());
  }

  /** Kaggle's digit-recognizer layout: a header, the label column named 'label', 0..255 values. */
  @Test
  void aKaggleStyleCsvJustWorks() throws Exception {
    Random random = new Random(3);
    StringBuilder text = new StringBuilder("label");
    for (int p = 0; p < 16; p++) text.append(",pixel").append(p);
    text.append('\n');
    for (int i = 0; i < 30; i++) {
      text.append(i % 3);
      for (int p = 0; p < 16; p++) text.append(',').append(random.nextInt(256));
      text.append('\n');
    }
    Path csv = dir.resolve("train.csv");
    Files.writeString(csv, text);
    Path kaggle = dir.resolve("kaggle");
    CliRun trained = ok("train", "--data", csv.toString(), "--csv-255", "--epochs", "1", "--batch-size", "8", "--hidden", "8",
        "--latent", "2", "--device", "cpu", "--out", kaggle.toString());
    assertTrue(trained.err().contains("CSV file, 30 train / 0 test images of 1x4x4"), trained.err());
    Path codes = dir.resolve("kaggle-codes.csv");
    ok("encode", "--run", kaggle.toString(), "--device", "cpu", "--out", codes.toString());
    assertEquals("index,label,mu_0,mu_1,logvar_0,logvar_1", Files.readAllLines(codes).get(0));
    assertEquals("2", Files.readAllLines(codes).get(3).split(",")[1]);

    // The label column named (in another case): recorded, and read back by the commands on the run.
    Path named = dir.resolve("named");
    ok("train", "--data", csv.toString(), "--csv-label", "LABEL", "--csv-255", "--epochs", "1", "--batch-size", "8",
        "--hidden", "8", "--latent", "2", "--device", "cpu", "--out", named.toString());
    JsonNode config = new ObjectMapper().readTree(named.resolve("config.json").toFile());
    assertEquals("LABEL", config.at("/csv/label_column").asText());
    assertFalse(config.at("/csv/label_first").asBoolean());
    ok("encode", "--run", named.toString(), "--device", "cpu", "--out", codes.toString());
    assertEquals("1", Files.readAllLines(codes).get(2).split(",")[1]);
    // --resume reads the file as the run recorded it (the label column by name), two epochs now.
    ok("train", "--resume", named.toString(), "--epochs", "2");
    assertEquals("LABEL", new ObjectMapper().readTree(named.resolve("config.json").toFile()).at("/csv/label_column").asText());
    CliRun missing = run("train", "--data", csv.toString(), "--csv-label", "digit", "--csv-255", "--epochs", "1",
        "--device", "cpu", "--out", dir.resolve("never").toString());
    assertEquals(1, missing.code(), missing.err());
    assertTrue(missing.err().contains("the header has no column 'digit'"), missing.err());
  }

  /** A CSV whose labels are names: the classes carry them through --classes, encode and plot-latent. */
  @Test
  void aCsvOfNamedLabelsNamesItsClasses() throws Exception {
    Random random = new Random(5);
    StringBuilder text = new StringBuilder("kind");
    for (int p = 0; p < 4; p++) text.append(",p").append(p);
    text.append('\n');
    String[] kinds = {"square", "circle", "star"};
    for (int i = 0; i < 30; i++) {
      text.append(kinds[i % 3]);
      for (int p = 0; p < 4; p++) text.append(',').append(random.nextInt(256));
      text.append('\n');
    }
    Path csv = dir.resolve("shapes.csv");
    Files.writeString(csv, text);
    Path shapes = dir.resolve("shapes");
    ok("train", "--data", csv.toString(), "--csv-label", "kind", "--csv-255", "--classes", "Circle,square", "--epochs", "1",
        "--batch-size", "4", "--hidden", "8", "--latent", "2", "--device", "cpu", "--out", shapes.toString());
    JsonNode config = new ObjectMapper().readTree(shapes.resolve("config.json").toFile());
    assertEquals("[0,1]", config.get("classes").toString(), "circle and square, sorted before star");
    Path codes = dir.resolve("shapes-codes.csv");
    ok("encode", "--run", shapes.toString(), "--device", "cpu", "--out", codes.toString());
    List<String> lines = Files.readAllLines(codes);
    assertEquals(1 + 30, lines.size(), "every image, not only the classes trained on");
    assertTrue(lines.get(1).endsWith(",square") && lines.get(2).endsWith(",circle"), lines.get(1) + " / " + lines.get(2));
    ok("plot-latent", "--run", shapes.toString(), "--device", "cpu", "--out", dir.resolve("shapes.png").toString());
  }
}
