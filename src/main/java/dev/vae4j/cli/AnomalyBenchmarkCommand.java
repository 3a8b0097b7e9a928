package dev.vae4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vae4j.Backends;
import dev.vae4j.data.ClassNames;
import dev.vae4j.data.DataSpec;
import dev.vae4j.data.Dataset;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.eval.AnomalyEvaluation;
import dev.vae4j.eval.AnomalyScores;
import dev.vae4j.eval.BenchmarkTable;
import dev.vae4j.eval.CsvTables;
import dev.vae4j.eval.Encodings;
import dev.vae4j.eval.Roc;
import dev.vae4j.eval.ScoreKind;
import dev.vae4j.io.AtomicFiles;
import dev.vae4j.plot.AucChart;
import dev.vae4j.plot.ChartUnavailableException;
import dev.vae4j.run.Run;
import dev.vae4j.run.RunConfig;
import dev.vae4j.run.RunDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code vae4j anomaly-benchmark}: trains, scores and evaluates a whole anomaly-detection protocol.
 * Each model is an in-process {@code vae4j train} into {@code DIR/class-C.partial}, renamed to
 * {@code DIR/class-C} once finished, so a finished model folder (and each score file in it) is
 * never redone, and a half-trained one is started over. {@code DIR/protocol.json} records what
 * makes the results comparable (protocol, data, train options, draws); a rerun that differs in
 * any of them is refused.
 */
@Command(name = "anomaly-benchmark", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
    description = {"Trains, scores and evaluates an anomaly-detection protocol; resumable.",
        "one-class: per class c, train on c, the test split's other classes are anomalies (Ruff et al. 2018);",
        "leave-one-out: per class c, train on the others, c is the anomaly; ood: train on --data, the test split of",
        "--ood-data is the anomaly. Options it does not know go to 'train' (--epochs, --conv, --likelihood, ...).",
        "Writes the models, scores-NAME.csv per model, results.csv, results.md and results.png into --out."})
final class AnomalyBenchmarkCommand implements Callable<Integer> {
  static final String PROTOCOL_FILE = "protocol.json";
  static final String PARTIAL = ".partial";

  enum Protocol { one_class, leave_one_out, ood }

  @Spec CommandSpec spec;

  @Option(names = "--protocol", required = true, paramLabel = "one-class|leave-one-out|ood",
      converter = ProtocolConverter.class, description = "Which protocol.")
  Protocol protocol;

  @Option(names = "--data", defaultValue = "digits", paramLabel = "DIR", description = "The labelled data, as train reads it.")
  String data;

  @Option(names = "--ood-data", paramLabel = "DIR", description = "ood: the data whose test split is the anomaly.")
  String oodData;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "The benchmark folder.")
  Path out;

  @Option(names = "--scores", split = ",", defaultValue = "elbo,recon-mse,mahalanobis,knn", paramLabel = "NAME[,NAME...]",
      description = "Scores to evaluate: elbo, iwae, recon-mse, mahalanobis, knn, complexity, combined (see 'vae4j score --help').")
  List<String> scoreNames;

  @Option(names = "--classes", split = ",", paramLabel = "C[,C...]",
      description = "Run only these classes (default: all), by label or name.")
  List<String> classChoice;

  @Option(names = "--k", defaultValue = "100", description = "Latent draws per image (elbo, iwae, complexity).")
  int k;

  @Option(names = "--score-seed", defaultValue = "1", description = "Seeds the latent draws of the scores.")
  long scoreSeed;

  @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or cuda (training and scoring).")
  String device;

  @Unmatched List<String> trainOptions = new ArrayList<>();

  /** Train options the benchmark sets itself. */
  private static final Set<String> OWN = Set.of("--out", "--resume", "--overwrite", "--classes", "--data", "--tensorboard");

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut(), err = spec.commandLine().getErr();
    List<ScoreKind> scores = scoreKinds();
    if (k <= 0) throw new ParameterException(spec.commandLine(), "--k must be > 0, got " + k);
    if (protocol == Protocol.ood && oodData == null) throw new ParameterException(spec.commandLine(), "--protocol ood needs --ood-data");
    if (protocol != Protocol.ood && oodData != null) throw new ParameterException(spec.commandLine(), "--ood-data is for --protocol ood");
    TrainCommand probe = probeTrainOptions();
    DatasetSplit split = probe.images.spec(data, probe.csv.format()).load();
    if (split.test() == null) throw new IllegalArgumentException(split.source() + " has no test split; the benchmark scores it");
    Dataset anomalies = protocol == Protocol.ood ? oodTest(split) : null;
    if (protocol != Protocol.ood && !split.train().hasLabels()) {
      throw new IllegalArgumentException(split.source() + " has no labels; --protocol " + name(protocol) + " needs them");
    }
    SortedSet<Integer> present = protocol == Protocol.ood ? new TreeSet<>() : labels(split.train());
    SortedSet<Integer> runClasses = protocol == Protocol.ood ? new TreeSet<>(Set.of(-1)) : chosenClasses(split, present);
    ObjectNode identity = identity();
    checkIdentity(identity);
    Files.createDirectories(out);
    Dataset test = split.test();
    BenchmarkTable table = new BenchmarkTable(scores);
    for (int c : runClasses) {
      String label = protocol == Protocol.ood ? "ood" : Integer.toString(c);
      Path model = out.resolve(protocol == Protocol.ood ? "model" : "class-" + c);
      long started = System.nanoTime();
      boolean trained = train(model, c, present, err);
      if (trained) writeIdentity(identity);
      if (scores.stream().anyMatch(ScoreKind::needsBackground)) trained |= trainBackground(model, err);
      ScoredCase scored = score(model, test, anomalies, scores, err);
      for (ScoreKind score : scores) {
        Roc roc = evaluate(scored.scores.get(score), test, anomalies, c);
        table.put(label, protocol == Protocol.ood ? "ood " + anomalies.name() : caseName(split.train(), c), score, roc);
      }
      err.printf(Locale.ROOT, "vae4j: %s: %s%s in %.1f s%n", model.getFileName(), trained ? "trained, " : "model done, ",
          scored.computed == 0 ? "scores done" : "scored " + scored.computed + " score" + (scored.computed == 1 ? "" : "s"),
          (System.nanoTime() - started) / 1e9);
    }
    String heading = "Anomaly benchmark, protocol " + name(protocol) + ", data " + split.source()
        + (anomalies == null ? "" : ", anomalies " + anomalies.name()) + " (ROC AUC and average precision)";
    stdout.print(table.text());
    stdout.flush();
    table.writeCsv(out.resolve("results.csv"));
    table.writeMarkdown(out.resolve("results.md"), heading);
    try {
      AucChart.write(out.resolve("results.png"), table, "Anomaly detection, " + name(protocol) + " (" + split.source() + ")");
    } catch (ChartUnavailableException e) {
      err.println("vae4j: warning: results.png not written: " + e.getMessage());
    }
    stdout.printf("wrote results.csv, results.md and results.png to %s%n", out);
    return 0;
  }

  /** The scores --scores names, each once; an unknown one is a usage error. */
  private List<ScoreKind> scoreKinds() {
    List<ScoreKind> kinds = new ArrayList<>();
    for (String s : scoreNames) {
      try {
        ScoreKind kind = ScoreKind.parse(s);
        if (!kinds.contains(kind)) kinds.add(kind);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--scores: " + e.getMessage());
      }
    }
    return kinds;
  }

  /** The forwarded options parsed as train parses them (a bad one is a usage error here, before anything runs). */
  private TrainCommand probeTrainOptions() {
    for (String o : trainOptions) {
      String name = o.contains("=") ? o.substring(0, o.indexOf('=')) : o;
      if (OWN.contains(name)) throw new ParameterException(spec.commandLine(), name + " is set by anomaly-benchmark itself");
    }
    TrainCommand probe = new TrainCommand();
    List<String> args = new ArrayList<>(trainOptions);
    args.addAll(List.of("--data", data, "--device", device));
    try {
      new CommandLine(probe).registerConverter(Path.class, new PathConverter()).parseArgs(args.toArray(String[]::new));
    } catch (ParameterException e) {
      throw new ParameterException(spec.commandLine(), "train option: " + e.getMessage());
    }
    return probe;
  }

  /** The test split of --ood-data, refused unless its images are the size and colour of --data's. */
  private Dataset oodTest(DatasetSplit split) throws IOException {
    DatasetSplit ood = new DataSpec(oodData, null, null, 0, false).load();
    Dataset in = split.test(), o = ood.test() != null ? ood.test() : ood.train();
    if (o.channels() != in.channels() || o.height() != in.height() || o.width() != in.width()) {
      throw new IllegalArgumentException("--ood-data " + oodData + ": images are " + size(o) + " but --data " + data
          + "'s are " + size(in));
    }
    return o;
  }

  private static String size(Dataset d) {
    return (d.channels() == 1 ? "" : d.channels() + "x") + d.height() + "x" + d.width();
  }

  private static SortedSet<Integer> labels(Dataset d) {
    SortedSet<Integer> s = new TreeSet<>();
    for (int l : d.labels()) s.add(l);
    return s;
  }

  /** --classes (or every class), each with training images; one without is an error. */
  private SortedSet<Integer> chosenClasses(DatasetSplit split, SortedSet<Integer> present) {
    SortedSet<Integer> chosen;
    try {
      chosen = classChoice == null ? present : ClassNames.labels(classChoice, split.train().classNames());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--classes: " + e.getMessage());
    }
    for (int c : chosen) {
      if (!present.contains(c)) {
        throw new IllegalArgumentException("class " + caseName(split.train(), c) + " has no training images in " + split.source());
      }
    }
    if (protocol == Protocol.leave_one_out && present.size() < 2) {
      throw new IllegalArgumentException(split.source() + " has one class; leave-one-out needs two");
    }
    if (protocol == Protocol.one_class && present.size() < 2) {
      throw new IllegalArgumentException(split.source() + " has one class; one-class needs others as anomalies");
    }
    return chosen;
  }

  /** What makes two runs' results comparable; --classes and --scores may differ between reruns. */
  private ObjectNode identity() {
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.put("protocol", name(protocol));
    o.put("data", data);
    if (oodData != null) o.put("ood_data", oodData);
    o.put("train_options", String.join(" ", trainOptions));
    o.put("k", k);
    o.put("score_seed", scoreSeed);
    return o;
  }

  /** Refuses an --out whose protocol.json records other options, naming the first difference. */
  private void checkIdentity(ObjectNode mine) throws IOException {
    Path file = out.resolve(PROTOCOL_FILE);
    if (Files.exists(out) && !Files.isDirectory(out)) throw new IllegalArgumentException("--out " + out + " is not a folder");
    if (!Files.exists(file)) {
      if (Files.isDirectory(out) && hasOwnFolders()) {
        throw new ParameterException(spec.commandLine(), "--out " + out + " holds models but no " + PROTOCOL_FILE + "; choose another --out");
      }
      return;
    }
    JsonNode theirs;
    try {
      theirs = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": unreadable (" + e.getMessage().replace('\n', ' ') + ")");
    }
    for (String key : List.of("protocol", "data", "ood_data", "train_options", "k", "score_seed")) {
      JsonNode a = mine.get(key), b = theirs.get(key);
      if (a == null ? b != null : b == null || !a.asText().equals(b.asText())) { // as text: 1 reads back as an int
        throw new ParameterException(spec.commandLine(), "--out " + out + " holds results made with " + key + " "
            + (b == null ? "unset" : "'" + b.asText() + "'") + ", not " + (a == null ? "unset" : "'" + a.asText() + "'")
            + "; choose another --out");
      }
    }
  }

  private boolean hasOwnFolders() throws IOException {
    try (var s = Files.list(out)) {
      return s.anyMatch(p -> p.getFileName().toString().startsWith("class-") || p.getFileName().toString().equals("model"));
    }
  }

  private void writeIdentity(ObjectNode identity) throws IOException {
    Path file = out.resolve(PROTOCOL_FILE);
    if (Files.exists(file)) return;
    AtomicFiles.write(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(identity)
        .concat("\n").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Trains the model of class {@code c} into {@code dir} unless it is there already; returns
   * whether it trained. A {@code .partial} folder left by a stopped benchmark is started over.
   */
  private boolean train(Path dir, int c, SortedSet<Integer> present, PrintWriter err) throws IOException {
    List<String> args = new ArrayList<>(List.of("train", "--data", data, "--device", device));
    if (protocol != Protocol.ood) {
      Set<Integer> normal = protocol == Protocol.one_class ? Set.of(c)
          : present.stream().filter(l -> l != c).collect(Collectors.toCollection(TreeSet::new));
      args.add("--classes");
      args.add(normal.stream().map(String::valueOf).collect(Collectors.joining(",")));
    }
    args.addAll(trainOptions);
    return trainInto(dir, args, err);
  }

  /**
   * Trains the background model of {@code dir}'s model (Ren et al.; {@code train --background-of},
   * noise rate {@link dev.vae4j.data.PixelNoise#DEFAULT_RATE}) into its sibling {@code
   * NAME.background} unless it is there already; returns whether it trained.
   */
  private boolean trainBackground(Path dir, PrintWriter err) throws IOException {
    return trainInto(backgroundOf(dir), List.of("train", "--background-of", dir.toString(), "--device", device), err);
  }

  /**
   * Runs {@code train} (the arguments but --out) into {@code dir} unless its model is there; the
   * run goes to {@code NAME.partial} first, started over if a stopped benchmark left one, and is
   * renamed into place when it finished, so a model folder is always whole.
   */
  private static boolean trainInto(Path dir, List<String> train, PrintWriter err) throws IOException {
    if (Files.exists(dir.resolve(RunDirectory.MODEL))) return false;
    Path partial = dir.resolveSibling(dir.getFileName() + PARTIAL);
    deleteTree(partial);
    List<String> args = new ArrayList<>(train);
    args.addAll(List.of("--out", partial.toString()));
    err.printf("vae4j: %s: training%n", dir.getFileName());
    int code = Main.run(err, err, args.toArray(String[]::new));
    if (code != 0) {
      deleteTree(partial);
      throw new IllegalStateException("training " + dir.getFileName() + " failed (exit " + code + ", see above)");
    }
    Files.move(partial, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return true;
  }

  private static Path backgroundOf(Path dir) {
    return dir.resolveSibling(dir.getFileName() + ".background");
  }

  /** The scores of a case: normal test images first, then, for ood, the anomalies. */
  private record ScoredCase(java.util.Map<ScoreKind, double[]> scores, int computed) {}

  private ScoredCase score(Path dir, Dataset test, Dataset anomalies, List<ScoreKind> kinds, PrintWriter err)
      throws IOException {
    java.util.Map<ScoreKind, double[]> out = new java.util.EnumMap<>(ScoreKind.class);
    List<ScoreKind> missing = new ArrayList<>();
    for (ScoreKind kind : kinds) {
      Path file = dir.resolve("scores-" + kind.cliName() + ".csv");
      if (Files.exists(file)) out.put(kind, readScores(file));
      else missing.add(kind);
    }
    if (missing.isEmpty()) return new ScoredCase(out, 0);
    Run run = Run.open(dir);
    boolean conv = RunConfig.read(dir.resolve(RunDirectory.CONFIG)).model().convolutional();
    Backends.Choice choice = Backends.select(device, Backends.GpuOptions.defaults(), conv);
    try (var backend = choice.backend()) {
      var model = run.loadModel(backend, note -> err.println("vae4j: note: " + note));
      Dataset training = missing.stream().anyMatch(ScoreKind::needsTrainingCodes) ? ScoringOptions.trainingImages(run) : null;
      var background = missing.stream().anyMatch(ScoreKind::needsBackground)
          ? Run.open(backgroundOf(dir)).loadModel(backend, note -> {}) : null;
      Encodings trainingCodes = training == null ? null : Encodings.of(model, training); // once for every kind and split
      for (ScoreKind kind : missing) {
        double[] s = kind.needsBackground()
            ? concat(AnomalyScores.likelihoodRatio(model, background, test, k, scoreSeed, d -> {}),
                anomalies == null ? null : AnomalyScores.likelihoodRatio(model, background, anomalies, k, scoreSeed, d -> {}))
            : concat(AnomalyScores.of(kind, model, test, training, trainingCodes, k, scoreSeed, d -> {}),
                anomalies == null ? null : AnomalyScores.of(kind, model, anomalies, training, trainingCodes, k, scoreSeed, d -> {}));
        CsvTables.writeScores(dir.resolve("scores-" + kind.cliName() + ".csv"), s, null, null);
        out.put(kind, s);
      }
    }
    return new ScoredCase(out, missing.size());
  }

  private static double[] concat(double[] a, double[] b) {
    if (b == null) return a;
    double[] s = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, s, a.length, b.length);
    return s;
  }

  /** The score column of a score file this command wrote ({@code index,score}). */
  static double[] readScores(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty() || !lines.get(0).equals("index,score")) throw new IOException(file + ": not a score file of anomaly-benchmark");
    double[] s = new double[lines.size() - 1];
    for (int i = 0; i < s.length; i++) {
      String line = lines.get(i + 1);
      try {
        s[i] = Double.parseDouble(line.substring(line.indexOf(',') + 1));
      } catch (NumberFormatException e) {
        throw new IOException(file + ": line " + (i + 2) + " has no score");
      }
    }
    return s;
  }

  /** The ROC analysis of one case: anomalies as the positives. */
  private Roc evaluate(double[] scores, Dataset test, Dataset anomalies, int c) throws IOException {
    if (protocol == Protocol.ood) {
      boolean[] positive = new boolean[scores.length];
      java.util.Arrays.fill(positive, test.count(), positive.length, true);
      return Roc.of(scores, positive);
    }
    if (scores.length != test.count()) throw new IOException("a score file of class " + c + " has " + scores.length
        + " scores for " + test.count() + " test images; delete it to score again");
    Set<Integer> normal = protocol == Protocol.one_class ? Set.of(c) : allBut(test, c);
    return AnomalyEvaluation.of(scores, test.labels(), normal).allHeldOut();
  }

  private static Set<Integer> allBut(Dataset test, int c) {
    Set<Integer> s = labels(test);
    s.remove(c);
    return s;
  }

  private static String caseName(Dataset d, int c) {
    String name = d.className(c);
    return name.equals(Integer.toString(c)) ? name : c + " " + name;
  }

  static String name(Protocol p) {
    return p.name().replace('_', '-');
  }

  /** Deletes a folder this command made (a .partial model folder), files first. */
  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (var walk = Files.walk(dir)) {
      for (Iterator<Path> it = walk.sorted(Comparator.reverseOrder()).iterator(); it.hasNext(); ) Files.delete(it.next());
    }
  }

  /** one-class, leave-one-out or ood. */
  static final class ProtocolConverter implements CommandLine.ITypeConverter<Protocol> {
    @Override
    public Protocol convert(String value) {
      for (Protocol p : Protocol.values()) if (name(p).equals(value)) return p;
      throw new CommandLine.TypeConversionException("expected one-class, leave-one-out or ood, got '" + value + "'");
    }
  }
}
