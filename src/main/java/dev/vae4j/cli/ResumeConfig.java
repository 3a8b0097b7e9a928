package dev.vae4j.cli;

import dev.vae4j.io.FormatException;
import dev.vae4j.run.RunConfig;
import dev.vae4j.run.RunDirectory;
import dev.vae4j.train.TrainOptions;
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
 * the user passes none but {@code --device}; passing another is a usage error (it could only
 * conflict). The device is where the run executes, not what it computes: a run begun with
 * {@code --device auto} resumes with {@code auto} (on whatever this machine has), and {@code
 * --device} moves it, e.g. to the CPU when the GPU it began on is gone.
 */
final class ResumeConfig {
  private ResumeConfig() {}

  static void apply(Path dir, TrainCommand train, CommandLine cli) throws IOException {
    List<String> given = cli.getParseResult().matchedOptions().stream().map(OptionSpec::longestName).toList();
    List<String> others = given.stream().filter(name -> !name.equals("--resume") && !name.equals("--device")).toList();
    if (!others.isEmpty()) {
      throw new ParameterException(cli, "--resume takes no other options but --device (the run's " + RunDirectory.CONFIG
          + " has them), got " + String.join(", ", others));
    }
    Path file = dir.resolve(RunDirectory.CONFIG);
    if (!Files.isDirectory(dir)) throw new IOException(dir + ": no such run folder");
    if (!Files.isRegularFile(file)) throw new FormatException(dir + ": not a run folder (no " + RunDirectory.CONFIG + ")");
    RunConfig config = RunConfig.read(file);
    TrainOptions o = config.training();
    train.out = dir;
    train.data = config.data();
    train.epochs = o.epochs();
    train.batchSize = o.batchSize();
    train.learningRate = o.learningRate();
    train.weightDecay = o.weightDecay();
    train.adamw = o.decoupledWeightDecay();
    train.beta = o.beta();
    train.klWarmup = o.klWarmupEpochs();
    train.validation = o.validateOnTestSplit() ? "test" : Double.toString(o.validationFraction());
    train.patience = o.patience();
    train.seed = o.seed();
    train.hidden = config.model().hidden();
    if (!config.model().isMlp()) train.resumedModel = config.model();
    train.latent = config.model().latent();
    train.likelihood = config.model().likelihood().name().toLowerCase(Locale.ROOT);
    if (!given.contains("--device")) train.device = config.device().requested();
    train.tf32 = config.gpu().tf32();
    train.noGraph = !config.gpu().graphs();
    train.classes = config.classes() == null ? null : new LinkedHashSet<>(config.classes());
    train.csv.labelFirst = config.csv().labelFirst();
    train.csv.max255 = config.csv().max255();
    if (config.tensorboard() != null) train.tensorboard = Path.of(config.tensorboard());
    train.checkpointEvery = config.checkpoints().every();
    train.keepCheckpoints = config.checkpoints().keep();
    train.skipNonFinite = config.checkpoints().skipNonFinite();
  }
}
