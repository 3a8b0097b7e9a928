package dev.vae4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vae4j.RunDirectory;
import dev.vae4j.io.FormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new FormatException(file + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
    }
    Reader r = new Reader(root, file);
    train.out = dir;
    train.data = r.text("/data");
    train.epochs = r.integer("/training/epochs");
    train.batchSize = r.integer("/training/batch_size");
    train.learningRate = r.number("/training/learning_rate");
    train.weightDecay = r.number("/training/weight_decay");
    train.adamw = r.text("/training/optimizer").equals("adamw");
    train.beta = (float) r.number("/training/beta");
    train.klWarmup = r.integer("/training/kl_warmup_epochs");
    train.validation = r.node("/training/validation").asText();
    train.patience = r.integer("/training/patience");
    train.seed = r.node("/training/seed").asLong();
    JsonNode hidden = r.node("/model/hidden");
    train.hidden = new int[hidden.size()];
    for (int i = 0; i < hidden.size(); i++) train.hidden[i] = hidden.get(i).asInt();
    train.latent = r.integer("/model/latent");
    train.likelihood = r.text("/model/likelihood");
    if (!given.contains("--device")) {
      // Runs written before requested_device was recorded name only the device they ran on.
      train.device = root.hasNonNull("requested_device") ? root.get("requested_device").asText() : r.text("/device");
    }
    train.tf32 = root.at("/gpu/tf32").asBoolean(false);
    train.noGraph = !root.at("/gpu/graphs").asBoolean(true);
    if (root.has("classes")) {
      Set<Integer> classes = new LinkedHashSet<>();
      root.get("classes").forEach(c -> classes.add(c.asInt()));
      train.classes = classes;
    }
    train.csv.labelFirst = root.at("/csv/label_first").asBoolean(false);
    train.csv.max255 = root.at("/csv/max_255").asBoolean(false);
    if (root.hasNonNull("tensorboard")) train.tensorboard = Path.of(root.get("tensorboard").asText());
    if (root.has("checkpoints")) {
      train.checkpointEvery = r.integer("/checkpoints/checkpoint_every");
      train.keepCheckpoints = r.integer("/checkpoints/keep_checkpoints");
      train.skipNonFinite = r.node("/checkpoints/skip_nonfinite").asBoolean();
    }
  }

  /** Typed fields of config.json, each missing or mistyped one named. */
  private record Reader(JsonNode root, Path file) {
    JsonNode node(String pointer) throws FormatException {
      JsonNode n = root.at(pointer);
      if (n.isMissingNode() || n.isNull()) throw new FormatException(file + ": lacks " + pointer.substring(1).replace('/', '.'));
      return n;
    }

    String text(String pointer) throws FormatException {
      JsonNode n = node(pointer);
      if (!n.isTextual()) throw new FormatException(file + ": " + pointer.substring(1).replace('/', '.') + " is not a string");
      return n.asText();
    }

    int integer(String pointer) throws FormatException {
      JsonNode n = node(pointer);
      if (!n.canConvertToInt() || !n.isIntegralNumber()) {
        throw new FormatException(file + ": " + pointer.substring(1).replace('/', '.') + " is not an integer");
      }
      return n.asInt();
    }

    double number(String pointer) throws FormatException {
      JsonNode n = node(pointer);
      if (!n.isNumber()) throw new FormatException(file + ": " + pointer.substring(1).replace('/', '.') + " is not a number");
      return n.asDouble();
    }
  }
}
