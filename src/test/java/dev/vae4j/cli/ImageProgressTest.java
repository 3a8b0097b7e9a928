package dev.vae4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Off a terminal (a log, a pipe, this test), the progress bars print nothing at all. */
class ImageProgressTest {
  @Test
  void withoutATerminalNothingIsPrinted() {
    assumeTrue(System.console() == null, "this test runs on a terminal");
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream err = System.err, out = System.out;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      try (ImageProgress p = ImageProgress.start("eval", 100)) {
        for (int i = 0; i <= 100; i += 10) p.accept(i);
      }
      try (WarmupProgress w = WarmupProgress.start(30)) {
        w.accept(1.5);
        w.accept(30);
      }
    } finally {
      System.setErr(err);
      System.setOut(out);
    }
    assertEquals("", captured.toString(StandardCharsets.UTF_8));
  }
}
