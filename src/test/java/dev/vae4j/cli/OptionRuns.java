package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.Vae;
import dev.vae4j.backend.cpu.CpuBackend;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the tests of {@code train}'s options repeat: a small {@code .npy} written by hand, the
 * refusal of an option that needs classes on data without labels, the arguments of a train run,
 * and a run resumed to the straight run's weights.
 */
final class OptionRuns {
  private OptionRuns() {}

  /** A format-1.0 {@code .npy} of {@code descr} and {@code shape} (as NumPy prints it), padded as NumPy pads it. */
  static byte[] npy(String descr, String shape, byte[] data) {
    String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    header += " ".repeat((64 - (10 + header.length() + 1) % 64) % 64) + "\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x93);
    out.writeBytes("NUMPY".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(new byte[] {1, 0, (byte) header.length(), (byte) (header.length() >>> 8)});
    out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(data);
    return out.toByteArray();
  }

  /**
   * Trains on {@code unlabelled.npy} (32 black 4 x 6 images, no labels) with {@code option} (and its
   * values): exit 2, the option's error and its advice in two lines, nothing written.
   */
  static void refusesUnlabelledData(Path dir, String option, String... values) throws IOException {
    Path data = dir.resolve("unlabelled.npy");
    Files.write(data, npy("|u1", "(32, 4, 6)", new byte[32 * 24]));
    CliRun o = run(concat(concat(new String[] {"train", "--data", data.toString(), option}, values),
        "--batch-size", "8", "--device", "cpu", "--out", dir.resolve("never").toString()));
    assertEquals(2, o.code(), o.err());
    assertEquals(List.of("vae4j: error: " + option + " needs labelled training images, and " + data + " has none",
        "train without " + option + ", or on data with labels"), o.err().strip().lines().toList());
    assertFalse(Files.exists(dir.resolve("never")), "nothing written");
  }

  /** {@code vae4j train}, then {@code common}, then {@code more}. */
  static String[] train(String[] common, String... more) {
    return concat(concat(new String[] {"train"}, common), more);
  }

  /** {@code first} followed by {@code more}. */
  static String[] concat(String[] first, String... more) {
    String[] all = new String[first.length + more.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  /**
   * Trains {@code common} (which checkpoints within an epoch) two epochs straight, and one epoch then
   * resumed to two: the resumed run's config.json holds {@code recorded}, and both runs end with the
   * same weights ({@code why} says what the resume kept).
   */
  static void resumeKeepsIt(Path dir, String[] common, String recorded, String why) throws IOException {
    Path straight = dir.resolve("straight"), resumed = dir.resolve("resumed");
    assertEquals(0, run(train(common, "--epochs", "2", "--out", straight.toString())).code());
    CliRun first = run(train(common, "--epochs", "1", "--out", resumed.toString()));
    assertEquals(0, first.code(), first.err());
    CliRun more = run("train", "--resume", resumed.toString(), "--epochs", "2");
    assertEquals(0, more.code(), more.err());
    assertTrue(Files.readString(resumed.resolve("config.json")).contains(recorded));
    try (CpuBackend cpu = new CpuBackend()) {
      assertArrayEquals(Vae.load(straight.resolve("model.safetensors"), cpu).parameters(),
          Vae.load(resumed.resolve("model.safetensors"), cpu).parameters(), why);
    }
  }
}
