package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.ok;
import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --data FILE.npz} and {@code FILE.npy} end to end: train, then commands that read the run's data back. */
class NumpyDataTest {
  @TempDir Path dir;

  private static byte[] random(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  @Test
  void trainsOnAKerasStyleNpzAndCommandsReadItBack() throws Exception {
    long seed = new Random().nextLong();
    System.out.println("seed " + seed);
    Random random = new Random(seed);
    byte[] labels = new byte[48];
    for (int i = 0; i < labels.length; i++) labels[i] = (byte) (i % 3);
    Path data = dir.resolve("shapes.npz");
    try (OutputStream os = Files.newOutputStream(data); ZipOutputStream zip = new ZipOutputStream(os)) {
      zip.putNextEntry(new ZipEntry("x_train.npy"));
      zip.write(OptionRuns.npy("|u1", "(48, 8, 8, 1)", random(random, 48 * 64)));
      zip.putNextEntry(new ZipEntry("y_train.npy"));
      zip.write(OptionRuns.npy("|u1", "(48,)", labels));
      zip.putNextEntry(new ZipEntry("x_test.npy"));
      zip.write(OptionRuns.npy("|u1", "(16, 8, 8, 1)", random(random, 16 * 64)));
    }
    Path r = dir.resolve("run");
    CliRun train = ok("train", "--data", data.toString(), "--epochs", "1", "--batch-size", "16", "--hidden", "16",
        "--latent", "2", "--device", "cpu", "--out", r.toString());
    assertTrue(train.err().contains("data " + data + ": NumPy archive, 48 train / 16 test images of 1x8x8"), train.err());
    JsonNode config = new ObjectMapper().readTree(r.resolve("config.json").toFile());
    assertTrue(config.toString().contains(new ObjectMapper().writeValueAsString(data.toString())), config.toString());
    assertEquals(1, Files.readAllLines(r.resolve("metrics.jsonl")).size());
    assertTrue(Files.size(r.resolve("samples.png")) > 0);
    Path codes = dir.resolve("codes.csv");
    ok("encode", "--run", r.toString(), "--split", "train", "--device", "cpu", "--out", codes.toString());
    List<String> lines = Files.readAllLines(codes);
    assertEquals(1 + 48, lines.size());
    assertEquals("2", lines.get(3).split(",")[1], "the labels came back from y_train");
  }

  @Test
  void trainsOnAnNpyOfFloatsAndRefusesABadOneInOneLine() throws Exception {
    long seed = new Random().nextLong();
    System.out.println("seed " + seed);
    Random random = new Random(seed);
    java.nio.ByteBuffer floats = java.nio.ByteBuffer.allocate(4 * 32 * 4 * 6).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    while (floats.hasRemaining()) floats.putFloat(random.nextFloat());
    Path data = dir.resolve("floats.npy");
    Files.write(data, OptionRuns.npy("<f4", "(32, 4, 6)", floats.array()));
    CliRun train = ok("train", "--data", data.toString(), "--epochs", "1", "--batch-size", "8", "--hidden", "8", "--latent", "2",
        "--device", "cpu", "--out", dir.resolve("float-run").toString());
    assertTrue(train.err().contains("data " + data + ": NumPy array, 32 train / 0 test images of 1x4x6"), train.err());

    Path bad = dir.resolve("bad.npy");
    Files.write(bad, OptionRuns.npy("<i2", "(2, 4, 4)", new byte[64]));
    CliRun refused = run("train", "--data", bad.toString(), "--epochs", "1", "--device", "cpu", "--out", dir.resolve("never").toString());
    assertEquals(1, refused.code(), refused.err());
    assertTrue(refused.err().contains(bad + ": images of dtype int16 are not supported"), refused.err());
    assertEquals(1, refused.err().strip().lines().count(), refused.err());
    assertFalse(Files.exists(dir.resolve("never")), "nothing written");
  }
}
