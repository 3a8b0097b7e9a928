package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.vae4j.io.AtomicFiles;
import dev.vae4j.train.Checkpoints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The messages of issue 22, item 8, each as the probe met it and as it now reads. */
class MessagesTest {
  private static final List<String> TINY = List.of("--hidden", "16", "--latent", "2", "--batch-size", "256", "--device", "cpu");
  @TempDir Path dir;

  private static String[] train(Path out, String... more) {
    List<String> args = new ArrayList<>(List.of("train", "--out", out.toString()));
    args.addAll(TINY);
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void aCorruptNewestCheckpointIsNotPassedOverSilently() throws IOException {
    Path run = dir.resolve("run");
    assertEquals(0, run(train(run, "--epochs", "2", "--keep-checkpoints", "2")).code());
    Files.delete(run.resolve("model.safetensors"));
    List<Path> steps = Checkpoints.stepFiles(run);
    Path newest = steps.get(steps.size() - 1);
    Files.delete(newest); // a new file: checkpoint-best, a hard link to it, stays whole
    Files.write(newest, new byte[64]);
    CliRun o = run("train", "--resume", run.toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(o.err().contains("vae4j: warning: skipped " + newest + ": "), o.err());
    assertTrue(o.err().contains("; trying an older checkpoint"), o.err());
  }

  @Test
  void divergenceBeforeTheFirstCheckpointSaysThereIsNone() {
    CliRun o = run(train(dir.resolve("nan"), "--epochs", "2", "--lr", "1e30"));
    assertEquals(1, o.code(), o.err());
    assertTrue(o.err().contains("no checkpoint was written before it"), o.err());
    assertFalse(o.err().contains("the last good checkpoint stays"), o.err());
  }

  @Test
  void noValidationSetIsSaidSoNotNaN() {
    CliRun o = run(train(dir.resolve("noval"), "--epochs", "1", "--validation", "0"));
    assertEquals(0, o.code(), o.err());
    assertFalse(o.out().contains("NaN") || o.err().contains("NaN"), o.out() + o.err());
    assertTrue(o.out().contains("no validation set"), o.out());
    assertTrue(o.err().contains("no validation set"), o.err());
  }

  @Test
  void dataNamingAFileSaysItIsNotAFolder() throws IOException {
    Path file = Files.writeString(dir.resolve("passwd"), "root:x:0:0\n");
    CliRun o = run(train(dir.resolve("never"), "--data", file.toString()));
    assertEquals(1, o.code());
    assertTrue(o.err().contains(file + ": not a folder"), o.err());
  }

  @Test
  void aFailedWriteNamesTheTargetNotTheHiddenTemporaryFile() throws IOException {
    Path target = dir.resolve("model.safetensors");
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
      throw new IOException("No space left on device");
    }));
    assertEquals(target + ": cannot write it: No space left on device", e.getMessage());
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count(), "the temporary file is gone");
    }
  }

  @Test
  void aReadOnlyFolderIsNamedByTheFileThatCouldNotBeWritten() throws IOException {
    assumeFalse("root".equals(System.getProperty("user.name")), "root writes into read-only folders");
    Path readOnly = Files.createDirectory(dir.resolve("ro"));
    Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      IOException denied = assertThrows(IOException.class, () -> AtomicFiles.write(readOnly.resolve("config.json"), new byte[1]));
      assertTrue(denied.getMessage().startsWith(readOnly.resolve("config.json") + ": cannot write it: permission denied"),
          denied.getMessage());
      assertFalse(denied.getMessage().contains(".tmp"), denied.getMessage());
    } finally {
      Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void aPathTheLocaleCannotEncodeSaysHowToFixIt() throws Exception {
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train", "--out", dir.resolve("größe").toString());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("LANG", "C");
    builder.environment().put("LC_ALL", "C");
    Path log = dir.resolve("log");
    Process p = builder.redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    String first = Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.contains("--out")).findFirst().orElse("");
    assertEquals(2, p.exitValue(), first);
    assertTrue(first.contains("is not a file name this system can hold"), first);
    assertTrue(Files.readString(log, StandardCharsets.UTF_8).contains("run it under a UTF-8 locale, e.g. LANG=C.UTF-8"), first);
    assertFalse(first.contains("InvalidPathException"), first);
  }
}
