package dev.vae4j.cli;

import dev.vae4j.model.VaeConfig;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** {@code --class}: a conditional model's class, by label or name, for the commands that decode. */
final class ClassOption {
  private ClassOption() {}

  /**
   * The label {@code text} names for {@code model}; null when no {@code --class} was given.
   *
   * @throws ParameterException (exit 2) for a model that is not conditional or a class it does not know
   */
  static Integer label(CommandLine cli, String text, VaeConfig model) {
    if (text == null) return null;
    if (!model.conditioning().conditional()) {
      throw new ParameterException(cli, "--class needs a conditional model" + UsageErrors.FIX_SEPARATOR + "train one with --conditional");
    }
    try {
      return model.conditioning().label(text);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(cli, e.getMessage());
    }
  }
}
