package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.Vae;
import dev.vae4j.backend.cpu.CpuBackend;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code train --class-weights}: its usage errors, its config.json key, and a resume that keeps it. */
class ClassWeightsOptionTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"balanced", "1,0,1,1,1,1,1,1,1,1", "1,inf,1,1,1,1,1,1,1,1", "1,,2"})
  void aBadValueIsAOneLineUsageError(String value) {
    CliRun o = run("train", "--class-weights", value, "--out", dir.resolve("never").toString());
    assertEquals(2, o.code(), o.err());
    List<String> lines = o.err().strip().lines().toList(); // the error, then where --help is
    assertTrue(lines.get(0).startsWith("vae4j: error: --class-weights must be auto, none or finite weights > 0, one per class"),
        lines.get(0));
    assertFalse(Files.exists(dir.resolve("never")), "nothing written");
  }

  @Test
  void weightsThatDoNotNumberTheClassesAreRefused() {
    CliRun o = run("train", "--class-weights", "1,2,3", "--device", "cpu", "--out", dir.resolve("never").toString());
    assertEquals(2, o.code(), o.err());
    List<String> lines = o.err().strip().lines().toList(); // the error, then where --help is
    assertTrue(lines.get(0).matches("vae4j: error: --class-weights gives 3 weights but .* has 10 classes: give one weight > 0 per class, or auto"),
        lines.get(0));
    assertFalse(Files.exists(dir.resolve("never")), "nothing written");
  }

  @Test
  void unlabelledDataIsRefusedInOneLine() throws Exception {
    String header = "{'descr': '|u1', 'fortran_order': False, 'shape': (32, 4, 6), }";
    header += " ".repeat((64 - (10 + header.length() + 1) % 64) % 64) + "\n";
    ByteArrayOutputStream npy = new ByteArrayOutputStream();
    npy.write(0x93);
    npy.writeBytes("NUMPY".getBytes(StandardCharsets.US_ASCII));
    npy.writeBytes(new byte[] {1, 0, (byte) header.length(), (byte) (header.length() >>> 8)});
    npy.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
    npy.writeBytes(new byte[32 * 24]);
    Path data = dir.resolve("unlabelled.npy");
    Files.write(data, npy.toByteArray());
    CliRun o = run("train", "--data", data.toString(), "--class-weights", "auto", "--batch-size", "8", "--device", "cpu",
        "--out", dir.resolve("never").toString());
    assertEquals(2, o.code(), o.err());
    assertEquals(List.of("vae4j: error: --class-weights needs labelled training images, and " + data + " has none",
        "train without --class-weights, or on data with labels"), o.err().strip().lines().toList());
    assertFalse(Files.exists(dir.resolve("never")), "nothing written");
  }

  @Test
  void configJsonRecordsItAndResumeKeepsIt() throws Exception {
    String[] common = {"--class-weights", "auto", "--hidden", "32", "--latent", "3", "--batch-size", "256",
        "--checkpoint-every", "7", "--device", "cpu"};
    Path straight = dir.resolve("straight"), resumed = dir.resolve("resumed");
    assertEquals(0, run(args(common, "--epochs", "2", "--out", straight.toString())).code());
    CliRun first = run(args(common, "--epochs", "1", "--out", resumed.toString()));
    assertEquals(0, first.code(), first.err());
    CliRun more = run("train", "--resume", resumed.toString(), "--epochs", "2");
    assertEquals(0, more.code(), more.err());
    assertTrue(Files.readString(resumed.resolve("config.json")).contains("\"class_weights\" : \"auto\""));
    try (CpuBackend cpu = new CpuBackend()) {
      assertArrayEquals(Vae.load(straight.resolve("model.safetensors"), cpu).parameters(),
          Vae.load(resumed.resolve("model.safetensors"), cpu).parameters(), "resumed with the weights it began with");
    }
  }

  private static String[] args(String[] common, String... more) {
    String[] all = new String[1 + common.length + more.length];
    all[0] = "train";
    System.arraycopy(common, 0, all, 1, common.length);
    System.arraycopy(more, 0, all, 1 + common.length, more.length);
    return all;
  }
}
