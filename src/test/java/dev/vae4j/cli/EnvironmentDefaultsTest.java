package dev.vae4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class EnvironmentDefaultsTest {
  @Test
  void variableNamesFollowTheLongOptionName() {
    assertEquals("VAE4J_DEVICE", EnvironmentDefaults.variable("--device"));
    assertEquals("VAE4J_BATCH_SIZE", EnvironmentDefaults.variable("--batch-size"));
  }

  @Test
  void environmentSetsDefaultsAndTheCommandLineWins() {
    Map<String, String> env = Map.of("VAE4J_DEVICE", "cuda", "VAE4J_EPOCHS", "3", "VAE4J_HELP", "true");
    TrainCommand fromEnv = parse(env);
    assertEquals("cuda", fromEnv.device);
    assertEquals(3, fromEnv.epochs);
    assertEquals(128, fromEnv.batchSize, "unset variables keep the built-in default");
    TrainCommand overridden = parse(env, "--device", "cpu");
    assertEquals("cpu", overridden.device);
  }

  private static TrainCommand parse(Map<String, String> env, String... args) {
    TrainCommand command = new TrainCommand();
    CommandLine cli = new CommandLine(command);
    cli.setDefaultValueProvider(new EnvironmentDefaults(env));
    cli.parseArgs(args);
    return command;
  }
}
