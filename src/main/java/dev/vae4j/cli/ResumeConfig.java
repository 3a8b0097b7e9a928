package dev.vae4j.cli;

import dev.vae4j.io.FormatException;
import dev.vae4j.model.HiddenActivations;
import dev.vae4j.run.RunConfig;
import dev.vae4j.run.RunDirectory;
import dev.vae4j.train.Balance;
import dev.vae4j.train.OptimizerChoice;
import dev.vae4j.train.TrainOptions;
import dev.vae4j.train.TrainingState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code train --resume DIR}: every option of the run comes back from {@code DIR/config.json}, so
 * the user passes none but {@code --device} and {@code --epochs}; passing another is a usage error
 * (it could only conflict). The device is where the run executes, not what it computes: a run
 * begun with {@code --device auto} resumes with {@code auto} (on whatever this machine has), and
 * {@code --device} moves it, e.g. to the CPU when the GPU it began on is gone. {@code --epochs N}
 * makes the run one of N epochs, finished or not (see {@link Extension}).
 */
final class ResumeConfig {
  private ResumeConfig() {}

  /**
   * {@code --epochs N} with {@code --resume}: the run becomes one of N epochs, continued exactly as
   * a run started with N would have gone on (when patience did not stop it: then such a run would
   * have stopped at the same epoch, and the extension is refused).
   *
   * @param epochs the epochs asked for, or null to keep the run's own
   * @param recorded the epochs the run was started (or last extended) with
   * @param patience the run's patience (0: none)
   */
  record Extension(Integer epochs, int recorded, int patience, Path dir) {
    /** The state to continue from, checked against N; {@code state} is null when there is no checkpoint yet. */
    TrainingState check(TrainingState state, CommandLine cli) {
      if (state == null) return null;
      String again = "vae4j train --resume " + ShellWords.quote(dir.toString());
      if (epochs <= state.epoch()) {
        throw new ParameterException(cli, dir + " has trained " + state.epoch() + " epochs already, --epochs " + epochs
            + " would end before that" + UsageErrors.FIX_SEPARATOR + "extend it with --epochs " + (state.epoch() + 1)
            + " or more, or start a new run with --out");
      }
      if (!state.finished()) return state;
      if (state.epoch() < recorded || stoppedByPatience(state)) {
        throw new ParameterException(cli, dir + " stopped early after epoch " + state.epoch() + " (--patience " + patience
            + " epochs without a better validation loss), where a run of " + epochs + " epochs stops too"
            + UsageErrors.FIX_SEPARATOR + "start a new run with a larger --patience");
      }
      return state.unfinished();
    }

    /**
     * The state a plain {@code --resume} continues from. When an extension to N epochs (recorded in
     * config.json) stopped before its first new checkpoint, the newest checkpoint is the finished
     * shorter run: it goes on to N, unless patience is what ended it.
     */
    TrainingState resumed(TrainingState state) {
      if (state == null || !state.finished() || state.epoch() >= recorded) return state;
      return stoppedByPatience(state) ? state : state.unfinished();
    }

    private boolean stoppedByPatience(TrainingState state) {
      return patience > 0 && state.sinceBest() >= patience;
    }
  }

  static Extension apply(Path dir, TrainCommand train, CommandLine cli) throws IOException {
    List<String> given = cli.getParseResult().matchedOptions().stream().map(OptionSpec::longestName).toList();
    List<String> others = given.stream()
        .filter(name -> !name.equals("--resume") && !name.equals("--device") && !name.equals("--epochs")
            && !name.equals("--val-iwae")).toList(); // where and how long, and an evaluation after: none changes what it trains
    if (!others.isEmpty()) {
      throw new ParameterException(cli, "--resume takes no options but --device, --epochs and --val-iwae (the run's "
          + RunDirectory.CONFIG + " has them), got " + String.join(", ", others) + UsageErrors.FIX_SEPARATOR
          + "run vae4j train --resume " + ShellWords.quote(dir.toString()) + " without them, or start a new run with --out");
    }
    RunConfig config = recorded(dir);
    TrainOptions o = config.training();
    train.out = dir;
    Integer asked = given.contains("--epochs") ? train.epochs : null;
    restore(config, train, given);
    if (asked == null) train.epochs = o.epochs();
    if (config.tensorboard() != null) train.tensorboard = Path.of(config.tensorboard());
    if (config.background() != null) {
      train.backgroundNoise = config.background().noiseRate();
      train.backgroundOf = config.background().of() == null ? null : Path.of(config.background().of());
    }
    return new Extension(asked, o.epochs(), o.patience(), dir);
  }

  /**
   * {@code train --background-of RUN}: RUN's model, data and training options, for the background
   * model of Ren et al.'s likelihood ratio; the user may give only where it goes, how it runs and
   * the noise rate.
   */
  static void applyBackgroundOf(Path dir, TrainCommand train, CommandLine cli) throws IOException {
    java.util.Set<String> allowed = java.util.Set.of("--background-of", "--background-noise", "--out", "--overwrite",
        "--device", "--tensorboard", "--val-iwae");
    List<String> given = cli.getParseResult().matchedOptions().stream().map(OptionSpec::longestName).toList();
    List<String> others = given.stream().filter(name -> !allowed.contains(name)).toList();
    if (!others.isEmpty()) {
      throw new ParameterException(cli, "--background-of takes the model, data and training options of its run, got "
          + String.join(", ", others) + UsageErrors.FIX_SEPARATOR + "give only --out, --overwrite, --background-noise, --device, --tensorboard or --val-iwae");
    }
    RunConfig config = recorded(dir);
    if (config.background() != null) {
      throw new ParameterException(cli, dir + " is itself a background model (of " + config.background().of() + ")");
    }
    restore(config, train, given);
    train.epochs = config.training().epochs();
    if (!given.contains("--background-noise")) train.backgroundNoise = dev.vae4j.data.PixelNoise.DEFAULT_RATE;
  }

  /** The config.json of the run folder {@code dir}, or why there is none. */
  private static RunConfig recorded(Path dir) throws IOException {
    Path file = dir.resolve(RunDirectory.CONFIG);
    if (!Files.isDirectory(dir)) throw new IOException(dir + ": no such run folder");
    if (!Files.isRegularFile(file)) throw new FormatException(dir + ": not a run folder (no " + RunDirectory.CONFIG + ")");
    return RunConfig.read(file);
  }

  /** Sets {@code train}'s options to those {@code config} recorded, but {@code --device} when given. */
  private static void restore(RunConfig config, TrainCommand train, List<String> given) {
    TrainOptions o = config.training();
    train.data = config.data().source();
    train.batchSize = o.batchSize();
    train.learningRate = o.learningRate();
    train.weightDecay = o.weightDecay();
    train.adamw = o.decoupledWeightDecay();
    OptimizerChoice optimizer = o.optimizer();
    train.optimizer = optimizer.rule().text()
        + (optimizer.rule() == OptimizerChoice.Rule.SGD ? ":" + optimizer.momentum() : "");
    train.l1 = optimizer.l1();
    train.lrSchedule = o.schedule().text();
    train.warmupSteps = o.schedule().warmupSteps();
    train.balance = o.balance() == Balance.NONE ? null : o.balance().text();
    train.clipGradNorm = o.clipGradNorm() == 0 ? null : o.clipGradNorm();
    train.dropout = o.dropout();
    train.classWeights = o.classWeights().enabled() ? o.classWeights().text() : null;
    train.precision = o.precision().text();
    train.iwaeK = o.iwaeK();
    train.beta = o.beta();
    train.klWarmup = o.klWarmupEpochs();
    train.validation = o.validateOnTestSplit() ? "test" : Double.toString(o.validationFraction());
    train.patience = o.patience();
    train.seed = o.seed();
    train.hidden = config.model().hidden();
    // Layers the options do not say (convolutions, a conditional model's classes) come as they are.
    if (!config.model().isMlp() || config.model().conditioning().conditional()) train.resumedModel = config.model();
    train.conditional = config.model().conditioning().conditional();
    train.latent = config.model().latent();
    train.activation = HiddenActivations.name(config.model().hiddenActivation());
    train.likelihood = config.model().likelihood().name().toLowerCase(Locale.ROOT);
    if (!given.contains("--device")) train.device = config.device().requested();
    train.tf32 = config.gpu().tf32();
    train.noGraph = !config.gpu().graphs();
    train.classes = config.classes() == null ? null : new LinkedHashSet<>(config.classes());
    train.csv.set(config.data().csv());
    train.images.size = config.data().size();
    train.images.channels = config.data().channels();
    train.images.strict = config.data().strict();
    train.checkpointEvery = config.checkpoints().every();
    train.keepCheckpoints = config.checkpoints().keep();
    train.skipNonFinite = config.checkpoints().skipNonFinite();
  }
}
