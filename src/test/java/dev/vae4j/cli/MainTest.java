package dev.vae4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

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
}
