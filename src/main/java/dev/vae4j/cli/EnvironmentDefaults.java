package dev.vae4j.cli;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option defaults from the environment: {@code VAE4J_} plus an option's long name in upper case
 * with dashes as underscores ({@code --device} from {@code VAE4J_DEVICE}, {@code --batch-size}
 * from {@code VAE4J_BATCH_SIZE}). A value given on the command line still wins; the Docker image
 * sets some of these.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {
  static final String PREFIX = "VAE4J_";

  private final Map<String, String> environment;

  EnvironmentDefaults(Map<String, String> environment) {
    this.environment = environment;
  }

  /** The variable that holds the default of {@code longName} ({@code --batch-size}: VAE4J_BATCH_SIZE). */
  static String variable(String longName) {
    return PREFIX + longName.replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) return null;
    String value = environment.get(variable(option.longestName()));
    return value == null || value.isBlank() ? null : value;
  }
}
