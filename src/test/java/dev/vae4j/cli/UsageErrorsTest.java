package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every usage error is two lines, {@code vae4j: error: PROBLEM} and the fix (or the {@code --help}
 * hint), exit code 2, and never the usage help: the cases a new user met (issue 20).
 */
class UsageErrorsTest {
  @TempDir static Path dir;
  private static Path finished;
  private static Path unfinished;

  @BeforeAll
  static void runs() throws IOException {
    finished = dir.resolve("finished");
    CliRun.ok("train", "--out", finished.toString(), "--epochs", "1", "--hidden", "8", "--latent", "2", "--device", "cpu");
    unfinished = Files.createDirectories(dir.resolve("unfinished"));
    Files.copy(finished.resolve("config.json"), unfinished.resolve("config.json"));
  }

  @Test
  void occupiedFoldersNameTheFolderAndTheWayOut() {
    twoLines(List.of("train", "--out", finished.toString()), finished + " already holds a finished run", "--overwrite");
    twoLines(List.of("train", "--out", unfinished.toString()), unfinished + " holds an unfinished run",
        "--resume " + unfinished);
  }

  @Test
  void resumeWithOptionsItCannotTakeSaysWhichItTakes() {
    twoLines(List.of("train", "--resume", finished.toString(), "--lr", "1e-2"),
        "--resume takes no options but --device, --epochs and --val-iwae", "vae4j train --resume " + finished + " without them");
    twoLines(List.of("train", "--resume", finished.toString(), "--epochs", "1"),
        finished + " has trained 1 epochs already", "--epochs 2 or more");
  }

  @Test
  void badValuesMissingOptionsAndTyposPointToTheFix() {
    twoLines(List.of("train", "--epochs", "two"), "Invalid value for option '--epochs': 'two' is not an int",
        "See 'vae4j train --help'");
    twoLines(List.of("eval"), "Missing required option: '--run=DIR'", "See 'vae4j eval --help'");
    twoLines(List.of("train", "--epoch", "2"), "Unknown options: '--epoch', '2'", "--epochs");
    twoLines(List.of("sample", "--run", finished.toString(), "--out", dir.resolve("s.png").toString(), "--count", "0"), "--count must be > 0", "--help");
  }

  private static void twoLines(List<String> args, String problem, String fix) {
    CliRun o = run(args.toArray(String[]::new));
    String why = String.join(" ", args) + " printed:\n" + o.err();
    assertEquals(2, o.code(), why);
    List<String> lines = o.err().lines().filter(l -> !l.startsWith("vae4j: ") || l.startsWith("vae4j: error: ")).toList();
    assertEquals(2, lines.size(), why);
    assertTrue(lines.get(0).startsWith("vae4j: error: " + problem), why);
    assertTrue(lines.get(1).contains(fix), why);
    assertEquals("", o.out(), why);
  }
}
