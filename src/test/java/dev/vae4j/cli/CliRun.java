package dev.vae4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of the command line: its exit code and what it printed on each stream. */
record CliRun(int code, String out, String err) {

  /** Runs {@code vae4j args...} through {@link Main#run(PrintWriter, PrintWriter, String...)}. */
  static CliRun run(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** {@link #run}, failing the test (with the command and its error output) unless it exits 0. */
  static CliRun ok(String... args) {
    CliRun o = run(args);
    assertEquals(0, o.code(), String.join(" ", args) + ": " + o.err());
    return o;
  }
}
