package dev.vae4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line registers only the subcommand it is asked for, and every one otherwise. */
class MainTest {
  @Test
  void aNamedSubcommandIsTheOnlyOneBuilt() {
    assertEquals(Set.of("train"), Main.commandLine("train", "--epochs", "1").getSubcommands().keySet());
    assertEquals(Set.of("eval"), Main.commandLine("eval", "--help").getSubcommands().keySet());
  }

  @Test
  void everySubcommandForHelpVersionAndUnknownNames() {
    int all = Main.commandLine().getSubcommands().size();
    assertTrue(all >= 14, "subcommands: " + all);
    for (List<String> args : List.of(List.of("help", "train"), List.of("--version"), List.of("trian"))) {
      assertEquals(all, Main.commandLine(args.toArray(String[]::new)).getSubcommands().size(), args.toString());
    }
  }

  @Test
  void helpForOneCommandAndTheListOfAllStillWork() {
    CliRun o = CliRun.run("help", "sample");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("Usage: vae4j sample"), o.out());
    CliRun typo = CliRun.run("trian");
    assertEquals(2, typo.code());
    assertTrue(typo.err().contains("train"), typo.err()); // picocli suggests the commands it knows
  }

  /**
   * picocli formats option descriptions with String.format, so a bare '%' (e.g. "1% of") made every
   * usage message of that command print a "[picocli WARN] Could not format" line to stderr.
   */
  @Test
  void everyCommandsUsageHelpFormatsWithoutPicocliWarnings() {
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    try {
      for (CommandLine command : Main.commandLine().getSubcommands().values()) command.getUsageMessage();
    } finally {
      System.setErr(original);
    }
    assertEquals("", stderr.toString(StandardCharsets.UTF_8));
  }
}
