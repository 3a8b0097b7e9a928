package dev.vae4j.cli;

import dev.vae4j.io.AtomicFiles;
import dev.vae4j.plot.ChartUnavailableException;
import dev.vae4j.plot.SweepChart;
import dev.vae4j.run.RunDirectory;
import dev.vae4j.sweep.MedianStopping;
import dev.vae4j.sweep.Range;
import dev.vae4j.sweep.Shard;
import dev.vae4j.sweep.SweepDefinition;
import dev.vae4j.sweep.SweepResults;
import dev.vae4j.sweep.SweepSpace;
import dev.vae4j.sweep.Trial;
import dev.vae4j.sweep.TrialResult;
import dev.vae4j.sweep.TrialStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code vae4j sweep}: a hyperparameter search as one command. Each trial is an ordinary {@code
 * train} run, started in this process with the shared train options plus its own, into its own run
 * folder inside {@code --out}; the trials run one after another (each uses every core already, see
 * docs/benchmarks.md), or with {@code --parallel M} up to M at once: side by side, each CPU trial on
 * its share of the cores and training bit for bit as it would alone ({@code CpuBackend.confined}),
 * or stacked (CUDA's default), the trials of one shape trained together in one stacked fit ({@link
 * TrialStack}). Every trial's options are parsed and checked before anything is written.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
    description = {"Trains one model per trial of a grid or random search and tabulates them.",
        "Any other option is a train option every trial shares (e.g. --epochs 3 --data fashion-mnist);",
        "each trial is a run folder DIR/NAME=VALUE,...,seed=S that every other command reads.",
        "Rerunning the same command skips finished trials and resumes unfinished ones."})
final class SweepCommand implements Callable<Integer> {
  /** Train options the sweep sets itself, per trial. */
  /** The most trials --parallel trains at once (and a stacked sweep's default: StackModels' most). */
  static final int MAX_PARALLEL = 64;

  /** {@code --parallel-mode}'s values. */
  static final String AUTO = "auto", SIDE_BY_SIDE = "side-by-side", STACKED = "stacked";

  private static final Set<String> OWN = Set.of("--out", "--resume", "--overwrite", "--seed", "--help", "--version");

  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "The sweep folder: sweep.json, one run folder per trial, results.csv/.md/.json, best and the charts.")
  Path out;

  @Option(names = "--grid", paramLabel = "NAME=V1,V2,...",
      description = "A train option (without dashes) and its values; every combination of the grids is a trial. A list value joins its entries with '+' (hidden=400,512+256); a flag takes true/false.")
  List<String> grids = new ArrayList<>();

  @Option(names = "--random", defaultValue = "0", paramLabel = "N", description = "Draw N trials from the --range options (crossed with any --grid).")
  int random;

  @Option(names = "--range", paramLabel = "NAME=[log:|int:|logint:]LOW..HIGH", description = "A range --random draws one option from (log: log-uniform; int: whole numbers, both ends included).")
  List<String> ranges = new ArrayList<>();

  @Option(names = "--seed", defaultValue = "1", description = "Seeds the random draws; trials are trained with seeds S, S+1, ... (one per repeat).")
  long seed;

  @Option(names = "--repeats", defaultValue = "1", paramLabel = "K", description = "Train every trial with K seeds (for error bars).")
  int repeats;

  @Option(names = "--metric", paramLabel = "NAME",
      description = "What ranks the trials (lower is better), from metrics.jsonl: val_loss (validation -ELBO, the default), val_recon, val_kl, "
          + "train_loss, train_recon or train_kl; or val_iwae, the IWAE bound on the validation images' -log p(x) of the weights each trial "
          + "keeps (train --val-iwae, with --iwae-samples draws per image), estimated after its last epoch (--prune then judges epochs by val_loss).")
  String metric;

  /** {@code --iwae-samples}' default: a tighter bound than the ELBO at a fraction of eval's 1000 draws' time. */
  static final int DEFAULT_IWAE_SAMPLES = 100;

  @Option(names = "--iwae-samples", paramLabel = "K",
      description = "With --metric val_iwae: latent draws per validation image of each trial's IWAE bound (1 to " + ValidationBound.MAX_K
          + ", default " + DEFAULT_IWAE_SAMPLES + "). Part of the sweep's definition.")
  Integer iwaeSamples;

  @Option(names = "--prune", paramLabel = "median[:N]",
      description = "Stop a trial after an epoch where its best metric is worse than the median of the finished trials' running averages to that epoch (Vizier's median-stopping rule), once N finished trials (default 3) reached it.")
  String prune;

  @Option(names = "--shard", defaultValue = "0/1", paramLabel = "I/N|auto",
      description = "Run only every N-th trial starting at I (0-based); auto reads a Slurm job array's or Kubernetes Indexed Job's index (see docs/sweeps.md).")
  String shard;

  @Option(names = "--device", paramLabel = "auto|cpu|cuda",
      description = "Where every trial trains (train's --device, default auto). Where, not what: not part of the sweep's definition, so a rerun may move it.")
  String device;

  @Option(names = "--parallel", paramLabel = "M",
      description = "Train up to M trials at once (1 to " + MAX_PARALLEL + "; default 1, or " + MAX_PARALLEL + " stacked), as --parallel-mode says. "
          + "How, not what: not part of the sweep's definition.")
  Integer parallel;

  @Option(names = "--parallel-mode", paramLabel = "auto|side-by-side|stacked",
      description = "How --parallel trains its trials: side-by-side (each in a thread on its share of the CPU's cores, bit for bit as alone; "
          + "CUDA: one at a time), stacked (trials of one shape trained together, one step for all: StackedTrainer; on the CPU as one "
          + "batch part each), or auto (the default: stacked on CUDA, side-by-side on the CPU).")
  String parallelMode;

  @Option(names = "--dry-run", description = "Print the trials and the train command of each; write nothing.")
  boolean dryRun;

  @Option(names = "--report", description = "Only tabulate what has finished in --out (e.g. after sharded runs); takes no other option but --metric.")
  boolean report;

  @Option(names = "--overwrite", description = "Replace a sweep in --out that was made with another grid or other shared options (its files are moved into replaced-DATE/).")
  boolean overwrite;

  @Unmatched List<String> trainOptions = new ArrayList<>();

  /** Where {@code --shard auto} reads the scheduler's variables; tests inject their own. */
  Map<String, String> environment = System.getenv();

  @Override
  public Integer call() throws Exception {
    CommandLine cli = spec.commandLine();
    if (metric != null && !TrialResult.METRICS.contains(metric)) {
      throw new ParameterException(cli, "--metric must be one of " + String.join(", ", TrialResult.METRICS) + ", got '" + metric + "'");
    }
    if (report) return report(cli);
    checkIwaeSamples(cli);
    SweepDefinition definition = definition(cli);
    List<Trial> trials = definition.space().trials();
    checkParallel(cli);
    Map<Trial, List<String>> commands = new LinkedHashMap<>();
    for (Trial t : trials) commands.put(t, checkedTrainArguments(cli, t, definition.iwaeSamples()));
    Shard mine = usage(cli, () -> Shard.parse(shard, environment));
    PrintWriter err = cli.getErr();
    if (dryRun) {
      int i = 0;
      for (Map.Entry<Trial, List<String>> e : commands.entrySet()) {
        boolean runs = mine.runs(i++);
        cli.getOut().printf("%s%s  vae4j %s%n", runs ? "" : "(other shard) ", e.getKey().name(), ShellWords.join(e.getValue()));
      }
      cli.getOut().printf("%d trial%s%s%n", trials.size(), trials.size() == 1 ? "" : "s",
          mine.count() > 1 ? ", shard " + mine + " runs " + countMine(trials.size(), mine) : "");
      return 0;
    }
    boolean cuda = onCuda();
    boolean stacked = stacked(cuda);
    int atOnce = parallel != null ? parallel : stacked ? MAX_PARALLEL : 1;
    if (atOnce > 1 && cuda && !stacked) {
      err.printf("vae4j: --parallel %d --parallel-mode side-by-side: CUDA trials run one at a time (stacked trains them together)%n", atOnce);
      atOnce = 1;
    }
    prepareFolder(cli, definition);
    List<Map.Entry<Trial, List<String>>> queue = new ArrayList<>();
    int i = 0;
    for (Map.Entry<Trial, List<String>> e : commands.entrySet()) if (mine.runs(i++)) queue.add(e);
    boolean stopped = atOnce == 1 ? runInTurn(cli, definition, trials, queue)
        : stacked ? runStacked(cli, definition, trials, queue, atOnce, cuda) : runSideBySide(cli, definition, trials, queue, atOnce);
    if (stopped) {
      err.printf("vae4j: sweep stopped; rerun the same command to continue it%n");
      return StopSignals.EXIT_CODE;
    }
    SweepResults results = SweepResults.read(out, definition, definition.metric());
    if (mine.count() > 1) { // the tables are the sweep's, not one shard's: --report writes them
      cli.getOut().printf("shard %s done (%s of the sweep's trials); vae4j sweep --out %s --report tabulates the sweep%n",
          mine, results.counts(), ShellWords.quote(out.toString()));
    } else {
      publish(cli, results, definition);
    }
    return failedExitCode(err, results, queue);
  }

  /**
   * 1, with a line saying how many and where their errors are, when trials this run trained
   * failed (the tables are written first; a rerun retries them); else 0. A script or a job
   * scheduler then sees a sweep whose trials all failed (a missing GPU, a bad option value) as
   * failed, rather than as done.
   */
  private static int failedExitCode(PrintWriter err, SweepResults results, List<Map.Entry<Trial, List<String>>> ran) {
    Set<Trial> mine = new HashSet<>();
    for (Map.Entry<Trial, List<String>> e : ran) mine.add(e.getKey());
    long failed = results.rows().stream().filter(r -> mine.contains(r.trial()) && r.status() == TrialStatus.FAILED).count();
    if (failed == 0) return 0;
    err.printf("vae4j: %d of %d trial%s failed (each one's error: its folder's %s); rerunning the sweep retries %s%n", failed,
        mine.size(), mine.size() == 1 ? "" : "s", TrialResult.FAILED_MARKER, failed == 1 ? "it" : "them");
    return 1;
  }

  /** {@code --iwae-samples}: only with {@code --metric val_iwae}, in range; the sweep's own {@code --val-iwae}. */
  private void checkIwaeSamples(CommandLine cli) {
    boolean bound = TrialResult.VAL_IWAE.equals(metric);
    if (iwaeSamples != null && !bound) {
      throw new ParameterException(cli, "--iwae-samples is for --metric val_iwae, got --metric " + (metric == null ? "val_loss" : metric));
    }
    if (iwaeSamples != null && (iwaeSamples < 1 || iwaeSamples > ValidationBound.MAX_K)) {
      throw new ParameterException(cli, "--iwae-samples must be in [1, " + ValidationBound.MAX_K + "], got " + iwaeSamples);
    }
    boolean given = trainOptions.stream().anyMatch(a -> a.equals("--val-iwae") || a.startsWith("--val-iwae="))
        || grids.stream().anyMatch(g -> g.startsWith("val-iwae=")) || ranges.stream().anyMatch(r -> r.startsWith("val-iwae="));
    if (bound && given) {
      throw new ParameterException(cli, "--metric val_iwae passes --val-iwae to every trial itself: give --iwae-samples K instead");
    }
  }

  /** A bad {@code --parallel} or {@code --parallel-mode} is a usage error. */
  private void checkParallel(CommandLine cli) {
    if (parallel != null && (parallel < 1 || parallel > MAX_PARALLEL)) {
      throw new ParameterException(cli, "--parallel must be between 1 and " + MAX_PARALLEL + ", got " + parallel);
    }
    if (parallelMode != null && !List.of(AUTO, SIDE_BY_SIDE, STACKED).contains(parallelMode)) {
      throw new ParameterException(cli, "--parallel-mode must be auto, side-by-side or stacked, got '" + parallelMode + "'");
    }
  }

  /** Whether the trials train on CUDA: {@code --device} (or VAE4J_DEVICE) cuda, or auto with a GPU there. */
  private boolean onCuda() {
    String where = device != null ? device : environment.getOrDefault(EnvironmentDefaults.PREFIX + "DEVICE", "auto");
    return where.equalsIgnoreCase("cuda") || (where.equalsIgnoreCase("auto") && dev.vae4j.Backends.cudaUnavailableReason() == null);
  }

  /**
   * Whether trials train stacked: {@code --parallel-mode stacked}, or auto on CUDA, where one step
   * for M models beats M small ones; the CPU measured faster side by side (docs/benchmarks.md).
   */
  private boolean stacked(boolean cuda) {
    return parallelMode == null || parallelMode.equals(AUTO) ? cuda : parallelMode.equals(STACKED);
  }

  /** Runs the queued trials one after another; true when a stop was asked for. */
  private boolean runInTurn(CommandLine cli, SweepDefinition definition, List<Trial> trials,
      List<Map.Entry<Trial, List<String>>> queue) throws IOException {
    for (int n = 0; n < queue.size(); n++) {
      Map.Entry<Trial, List<String>> e = queue.get(n);
      String label = "trial " + (n + 1) + "/" + queue.size();
      if (runTrial(cli, definition, trials, e.getKey(), e.getValue(), label, cli.getOut(), cli.getErr(), 0, null)) return true;
    }
    return false;
  }

  /**
   * Runs the queued trials {@code atOnce} at a time, each on its share of the cores, their output
   * lines prefixed with the trial's name; after a stop no further trial starts, and those running
   * stop at their next step (the signal reaches each). True when a stop was asked for.
   */
  private boolean runSideBySide(CommandLine cli, SweepDefinition definition, List<Trial> trials,
      List<Map.Entry<Trial, List<String>>> queue, int atOnce) throws Exception {
    int cores = Math.max(1, Runtime.getRuntime().availableProcessors() / atOnce);
    cli.getErr().printf("vae4j: training up to %d trials at once, each on %d core%s%n", atOnce, cores, cores == 1 ? "" : "s");
    java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(atOnce, r -> {
      Thread t = new Thread(r, "vae4j-trial");
      t.setDaemon(true);
      return t;
    });
    try {
      List<java.util.concurrent.Future<?>> running = new ArrayList<>();
      for (int n = 0; n < queue.size(); n++) {
        Map.Entry<Trial, List<String>> e = queue.get(n);
        String label = "trial " + (n + 1) + "/" + queue.size();
        running.add(pool.submit(() -> {
          if (stopped.get()) return null;
          String prefix = "[" + e.getKey().name() + "] ";
          PrintWriter out = new PrintWriter(new LinePrefixWriter(cli.getOut(), prefix), true);
          PrintWriter err = new PrintWriter(new LinePrefixWriter(cli.getErr(), prefix), true);
          if (runTrial(cli, definition, trials, e.getKey(), e.getValue(), label, out, err, cores, null)) stopped.set(true);
          out.close();
          err.close();
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> f : running) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException x) {
          if (x.getCause() instanceof Exception cause) throw cause;
          throw x;
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return stopped.get();
  }

  /**
   * Runs the queued trials {@code atOnce} at a time in waves, each trial's train command in a
   * thread of its own, its output lines prefixed with its name as side by side; the trials of a wave
   * that can train stacked do, one {@code StackedTrainer} fit per group of one shape, options and
   * start epoch, on one shared backend ({@link TrialStack}); the others train alone, on the CPU side
   * by side on their share of the cores, on CUDA one at a time. Finished and pruned trials are
   * skipped before the waves are formed, so that a rerun regroups the unfinished ones. True when a
   * stop was asked for.
   */
  private boolean runStacked(CommandLine cli, SweepDefinition definition, List<Trial> trials,
      List<Map.Entry<Trial, List<String>>> queue, int atOnce, boolean cuda) throws Exception {
    List<Map.Entry<Trial, List<String>>> unfinished = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (int n = 0; n < queue.size(); n++) {
      String label = "trial " + (n + 1) + "/" + queue.size();
      if (!doneAlready(cli.getErr(), queue.get(n).getKey(), label)) {
        unfinished.add(queue.get(n));
        labels.add(label);
      }
    }
    int processors = Runtime.getRuntime().availableProcessors();
    // Trials that cannot stack: side by side on the CPU as --parallel-mode side-by-side would, unless
    // that is more trials than cores (a stacked sweep's default of 64), and on a GPU one at a time.
    boolean aloneInTurn = cuda || atOnce > processors;
    int cores = aloneInTurn ? 0 : processors / atOnce;
    cli.getErr().printf("vae4j: training up to %d trials at once, stacked where they can (the others %s)%n", atOnce,
        aloneInTurn ? "one at a time" : "side by side, each on " + cores + " core" + (cores == 1 ? "" : "s"));
    java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(atOnce, r -> {
      Thread t = new Thread(r, "vae4j-trial");
      t.setDaemon(true);
      return t;
    });
    try (TrialStack.Shared shared = new TrialStack.Shared(aloneInTurn)) {
      for (int start = 0; start < unfinished.size() && !stopped.get(); start += atOnce) {
        List<Map.Entry<Trial, List<String>>> wave = unfinished.subList(start, Math.min(unfinished.size(), start + atOnce));
        TrialStack stack = new TrialStack(shared, wave.size(), cli.getErr());
        List<java.util.concurrent.Future<?>> running = new ArrayList<>();
        for (int n = 0; n < wave.size(); n++) {
          Map.Entry<Trial, List<String>> e = wave.get(n);
          String label = labels.get(start + n);
          TrialStack.Seat seat = stack.seat(e.getKey().name());
          running.add(pool.submit(() -> {
            try {
              String prefix = "[" + e.getKey().name() + "] ";
              PrintWriter out = new PrintWriter(new LinePrefixWriter(cli.getOut(), prefix), true);
              PrintWriter err = new PrintWriter(new LinePrefixWriter(cli.getErr(), prefix), true);
              if (runTrial(cli, definition, trials, e.getKey(), e.getValue(), label, out, err, cores, seat)) stopped.set(true);
              out.close();
              err.close();
            } finally {
              seat.leave(); // on this thread, which holds the shared backend if the trial took it
            }
            return null;
          }));
        }
        try {
          awaitAll(running);
        } finally {
          shared.endWave();
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return stopped.get();
  }

  /** Waits for every trial of {@code running}, rethrowing the first failure of the sweep's own. */
  private static void awaitAll(List<java.util.concurrent.Future<?>> running) throws Exception {
    Exception first = null;
    for (java.util.concurrent.Future<?> f : running) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException x) {
        if (first == null) first = x.getCause() instanceof Exception cause ? cause : x;
      }
    }
    if (first != null) throw first;
  }

  /** Whether {@code trial} has finished or was pruned, saying so. */
  private boolean doneAlready(PrintWriter err, Trial trial, String label) throws IOException {
    TrialResult before = TrialResult.read(this.out, trial, "val_loss");
    if (before.status() == TrialStatus.FINISHED || before.status() == TrialStatus.PRUNED) {
      err.printf("vae4j: %s %s: %s already%n", label, trial.name(), before.status());
      return true;
    }
    return false;
  }

  /**
   * Trains one trial, resuming it when its folder has a config.json, or skips it when it has
   * finished or was pruned; marks it failed or pruned. Its train command writes to {@code out} and
   * {@code err}, on {@code cores} CPU threads (0: all), through {@code seat} when it is in a wave
   * of stacked trials (else null). True when a stop was asked for.
   */
  private boolean runTrial(CommandLine cli, SweepDefinition definition, List<Trial> trials, Trial trial,
      List<String> newRun, String label, PrintWriter out, PrintWriter trialErr, int cores, TrialStack.Seat seat)
      throws IOException {
    PrintWriter err = cli.getErr();
    if (doneAlready(err, trial, label)) return false;
    Path dir = this.out.resolve(trial.name());
    boolean resume = Files.exists(dir.resolve(RunDirectory.CONFIG));
    List<String> args = new ArrayList<>(resume ? List.of("train", "--resume", dir.toString()) : newRun);
    if (resume && device != null) args.addAll(List.of("--device", device));
    if (resume && definition.iwaeSamples() > 0) args.addAll(valIwae(definition.iwaeSamples())); // not in its config.json
    err.printf("vae4j: %s %s%s%n", label, trial.name(), resume ? " (resuming)" : "");
    StringBuilder errors = new StringBuilder();
    // The IWAE bound comes only after the last epoch: its trials are pruned by their epochs' validation -ELBO.
    String perEpoch = definition.metric().equals(TrialResult.VAL_IWAE) ? "val_loss" : definition.metric();
    TrialPruning pruning = definition.prune() == null ? null : new TrialPruning(MedianStopping.parse(definition.prune()),
        perEpoch, dir, () -> TrialPruning.finished(this.out, trials));
    int code = Main.run(out, new PrintWriter(new TeeWriter(trialErr, errors), true), environment, pruning, cores, seat,
        args.toArray(String[]::new));
    if (code == StopSignals.EXIT_CODE && pruning != null && pruning.pruned()) { // not at its last epoch: that one finished
      Files.deleteIfExists(dir.resolve(TrialResult.FAILED_MARKER));
      AtomicFiles.write(dir.resolve(TrialResult.PRUNED_MARKER), (pruning.reason() + "\n").getBytes(StandardCharsets.UTF_8));
      return false;
    }
    if (code == StopSignals.EXIT_CODE) return true;
    if (code != 0) {
      Files.createDirectories(dir);
      AtomicFiles.write(dir.resolve(TrialResult.FAILED_MARKER), (lastError(errors) + "\n").getBytes(StandardCharsets.UTF_8));
    } else {
      Files.deleteIfExists(dir.resolve(TrialResult.FAILED_MARKER));
    }
    return false;
  }

  /** {@code --report}: the table of whatever has finished, from the folder's own sweep.json. */
  private int report(CommandLine cli) throws Exception {
    List<String> given = cli.getParseResult().matchedOptions().stream().map(OptionSpec::longestName)
        .filter(n -> !n.equals("--out") && !n.equals("--report") && !n.equals("--metric")).toList();
    if (!given.isEmpty() || !trainOptions.isEmpty()) {
      throw new ParameterException(cli, "--report takes no options but --out and --metric (sweep.json has the rest), got "
          + String.join(" ", given.isEmpty() ? trainOptions : given));
    }
    if (!Files.isRegularFile(out.resolve(SweepDefinition.FILE))) {
      throw new ParameterException(cli, out + " is not a sweep folder (no " + SweepDefinition.FILE + ")");
    }
    SweepDefinition definition = SweepDefinition.read(out);
    publish(cli, SweepResults.read(out, definition, metric != null ? metric : definition.metric()), definition);
    return 0;
  }

  /** Prints the table and writes it, {@code best} and one chart per numeric swept option. */
  private void publish(CommandLine cli, SweepResults results, SweepDefinition definition) throws IOException {
    results.write(out);
    List<String> charts = writeCharts(cli.getErr(), results, definition);
    PrintWriter o = cli.getOut();
    o.print(results.text());
    TrialResult best = results.best();
    o.printf("%s; %s%n", results.counts(), best == null ? "no trial has finished yet"
        : String.format(java.util.Locale.ROOT, "best by %s: %s (%.3f)", results.metric(), best.trial().name(), best.metric()));
    o.printf("wrote %s/{%s, %s, %s%s%s}%n", out, SweepResults.CSV, SweepResults.MARKDOWN, SweepResults.JSON_FILE,
        best == null ? "" : ", " + SweepResults.BEST, charts.isEmpty() ? "" : ", " + String.join(", ", charts));
  }

  private List<String> writeCharts(PrintWriter err, SweepResults results, SweepDefinition definition) throws IOException {
    List<String> written = new ArrayList<>();
    for (String p : results.parameters()) {
      List<double[]> points = new ArrayList<>();
      boolean numeric = true;
      for (TrialResult r : results.rows()) {
        if (r.status() != TrialStatus.FINISHED || Double.isNaN(r.metric())) continue;
        try {
          points.add(new double[] {Double.parseDouble(r.trial().parameters().get(p)), r.metric()});
        } catch (NumberFormatException | NullPointerException e) {
          numeric = false; // e.g. likelihood=bernoulli,gaussian: the table says it
        }
      }
      if (!numeric || points.isEmpty()) continue;
      double[] x = points.stream().mapToDouble(q -> q[0]).toArray(), y = points.stream().mapToDouble(q -> q[1]).toArray();
      Range range = definition.space().ranges().get(p);
      double min = java.util.Arrays.stream(x).min().orElse(1), max = java.util.Arrays.stream(x).max().orElse(1);
      boolean log = range != null ? range.logarithmic() : min > 0 && max / min >= 20;
      String name = results.metric() + "-by-" + p + ".png";
      try {
        SweepChart.write(out.resolve(name), p, x, y, results.metric(), log);
        written.add(name);
      } catch (ChartUnavailableException e) {
        err.println("vae4j: warning: " + name + " not written: " + e.getMessage());
      }
    }
    return written;
  }

  /** The sweep the options define, its space and names checked against the train options. */
  private SweepDefinition definition(CommandLine cli) {
    Map<String, List<String>> grid = new LinkedHashMap<>();
    Map<String, Range> drawn = new LinkedHashMap<>();
    for (String g : grids) {
      Map.Entry<String, List<String>> e = usage(cli, () -> SweepSpace.parseGrid(g));
      if (grid.put(e.getKey(), e.getValue()) != null) throw new ParameterException(cli, "--grid " + e.getKey() + " given twice");
    }
    for (String r : ranges) {
      Map.Entry<String, Range> e = usage(cli, () -> SweepSpace.parseRange(r));
      if (drawn.put(e.getKey(), e.getValue()) != null) throw new ParameterException(cli, "--range " + e.getKey() + " given twice");
    }
    CommandSpec train = trainSpec();
    for (String option : trainOptions) {
      if (option.startsWith("-") && OWN.contains(option.split("=", 2)[0])) {
        throw new ParameterException(cli, option + " is the sweep's own: it sets " + option.split("=", 2)[0] + " for each trial");
      }
    }
    List<String> names = new ArrayList<>(grid.keySet());
    names.addAll(drawn.keySet());
    for (String name : names) {
      String option = "--" + name;
      if (!name.equals("seed") && (train.findOption(option) == null || OWN.contains(option))) {
        throw new ParameterException(cli, "'" + name + "' is not a train option a sweep can vary (see vae4j train --help)");
      }
      if (trainOptions.stream().anyMatch(a -> a.equals(option) || a.startsWith(option + "="))) {
        throw new ParameterException(cli, option + " is both swept and shared; give it once");
      }
    }
    SweepSpace space = usage(cli, () -> new SweepSpace(grid, drawn, random, seed, repeats));
    String rule = prune == null ? null : usage(cli, () -> MedianStopping.parse(prune)).toString();
    int draws = !TrialResult.VAL_IWAE.equals(metric) ? 0 : iwaeSamples != null ? iwaeSamples : DEFAULT_IWAE_SAMPLES;
    return new SweepDefinition(space, trainOptions, rule, metric != null ? metric : "val_loss", draws);
  }

  /** The train options that make a trial write its validation IWAE bound with {@code k} draws. */
  private static List<String> valIwae(int k) {
    return List.of("--val-iwae", Integer.toString(k));
  }

  /**
   * {@code train ...} for a new trial, with {@code --val-iwae iwaeDraws} when that is > 0, parsed
   * and checked as train would, so no trial fails on its options later.
   */
  private List<String> checkedTrainArguments(CommandLine cli, Trial trial, int iwaeDraws) {
    CommandSpec train = trainSpec();
    List<String> args = new ArrayList<>(List.of("train"));
    args.addAll(trainOptions);
    for (Map.Entry<String, String> p : trial.parameters().entrySet()) {
      OptionSpec option = train.findOption("--" + p.getKey());
      if (option.arity().max == 0) {
        if (!p.getValue().equals("true") && !p.getValue().equals("false")) {
          throw new ParameterException(cli, "trial " + trial.name() + ": --" + p.getKey() + " is a flag, true or false, got '" + p.getValue() + "'");
        }
        if (p.getValue().equals("true")) args.add("--" + p.getKey());
      } else {
        args.add("--" + p.getKey());
        args.add(option.splitRegex().isEmpty() ? p.getValue() : p.getValue().replace('+', ','));
      }
    }
    args.addAll(List.of("--seed", Long.toString(trial.seed()), "--out", out.resolve(trial.name()).toString()));
    if (device != null) args.addAll(List.of("--device", device));
    if (iwaeDraws > 0) args.addAll(valIwae(iwaeDraws));
    CommandLine check = new CommandLine(new TrainCommand());
    check.registerConverter(Path.class, new PathConverter());
    try {
      check.parseArgs(args.subList(1, args.size()).toArray(String[]::new));
      ((TrainCommand) check.getCommand()).checkOptions();
    } catch (ParameterException e) {
      throw new ParameterException(cli, (trial.parameters().isEmpty() ? "the train options" : "trial " + trial.name()) + ": "
          + e.getMessage().replace('\n', ' ').split(UsageErrors.FIX_SEPARATOR)[0]);
    } catch (Exception e) {
      throw new ParameterException(cli, "trial " + trial.name() + ": " + Main.oneLine(e));
    }
    return args;
  }

  private static CommandSpec trainSpec() {
    return new CommandLine(new TrainCommand()).getCommandSpec();
  }

  /**
   * Creates the sweep folder and records the sweep, or checks that the folder records this one. A
   * folder of another sweep is refused, naming the difference, unless {@code --overwrite}.
   */
  private void prepareFolder(CommandLine cli, SweepDefinition definition) throws IOException {
    Path file = out.resolve(SweepDefinition.FILE);
    if (Files.isRegularFile(file)) {
      SweepDefinition recorded = SweepDefinition.read(out);
      List<String> differences = definition.differences(recorded);
      if (differences.isEmpty()) return;
      if (!overwrite) {
        throw new ParameterException(cli, out + " holds a sweep made with other settings: " + String.join(", ", differences)
            + UsageErrors.FIX_SEPARATOR + "rerun it with the options of its " + SweepDefinition.FILE + ", choose another --out, or pass --overwrite");
      }
      Path aside = moveAside(recorded);
      cli.getErr().printf("vae4j: moved the sweep this one replaces to %s%n", aside);
    } else if (Files.isDirectory(out)) {
      List<Path> found;
      try (var entries = Files.list(out)) {
        // Another shard's sweep.json on its way in (AtomicFiles' hidden temporary) is no stranger's file.
        found = entries.filter(p -> !isTemporary(p)).toList();
      }
      if (found.contains(file)) {
        // Another shard's sweep.json arrived between the check above and the listing: check it as one.
        prepareFolder(cli, definition);
        return;
      }
      if (!found.isEmpty()) {
        throw new ParameterException(cli, out + " is not empty and holds no " + SweepDefinition.FILE + "; choose another --out");
      }
    } else if (Files.exists(out)) {
      throw new ParameterException(cli, out + " exists and is not a folder");
    }
    Files.createDirectories(out);
    definition.write(out);
  }

  /** Moves the old sweep's files (its trials' folders, tables and charts) into replaced-DATE/. */
  private Path moveAside(SweepDefinition old) throws IOException {
    String stamp = java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path target = out.resolve("replaced-" + stamp);
    for (int n = 2; Files.exists(target); n++) target = out.resolve("replaced-" + stamp + "-" + n);
    Files.createDirectory(target);
    List<Path> moving = new ArrayList<>();
    for (Trial t : old.space().trials()) moving.add(out.resolve(t.name()));
    for (String f : List.of(SweepResults.CSV, SweepResults.MARKDOWN, SweepResults.JSON_FILE, SweepResults.BEST)) moving.add(out.resolve(f));
    try (var entries = Files.list(out)) {
      entries.filter(p -> p.getFileName().toString().endsWith(".png")).forEach(moving::add);
    }
    moving.add(out.resolve(SweepDefinition.FILE)); // last: a half-moved folder still says what it was
    for (Path p : moving) {
      if (Files.exists(p)) Files.move(p, target.resolve(p.getFileName()));
    }
    return target;
  }

  private static boolean isTemporary(Path p) {
    String name = p.getFileName().toString();
    return name.startsWith(".") && name.endsWith(".tmp");
  }

  private static int countMine(int trials, Shard shard) {
    int n = 0;
    for (int i = 0; i < trials; i++) if (shard.runs(i)) n++;
    return n;
  }

  private static String lastError(StringBuilder errors) {
    String line = "";
    for (String l : errors.toString().split("\n")) if (l.startsWith("vae4j: error: ")) line = l.substring("vae4j: error: ".length());
    return line.isEmpty() ? "train failed" : line;
  }

  private static <T> T usage(CommandLine cli, java.util.function.Supplier<T> make) {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(cli, e.getMessage());
    }
  }

  /**
   * Passes a trial's output to {@code through} a whole line at a time, each line prefixed (the
   * trial's name), so that trials side by side do not interleave inside lines.
   */
  private static final class LinePrefixWriter extends java.io.Writer {
    private final PrintWriter through;
    private final String prefix;
    private final StringBuilder line = new StringBuilder();

    LinePrefixWriter(PrintWriter through, String prefix) {
      this.through = through;
      this.prefix = prefix;
    }

    @Override
    public synchronized void write(char[] buffer, int offset, int length) {
      for (int i = offset; i < offset + length; i++) {
        line.append(buffer[i]);
        if (buffer[i] == '\n') {
          through.print(prefix + line);
          through.flush();
          line.setLength(0);
        }
      }
    }

    /** Flushes the whole lines only: the rest of a line waits for its end, or for {@link #close}. */
    @Override
    public void flush() {
      through.flush();
    }

    @Override
    public synchronized void close() {
      if (line.length() > 0) through.println(prefix + line);
      line.setLength(0);
      through.flush();
    }
  }

  /** Passes a trial's error output through and keeps a copy, for the failure marker's line. */
  private static final class TeeWriter extends java.io.Writer {
    private final PrintWriter through;
    private final StringBuilder copy;

    TeeWriter(PrintWriter through, StringBuilder copy) {
      this.through = through;
      this.copy = copy;
    }

    @Override
    public void write(char[] buffer, int offset, int length) {
      through.write(buffer, offset, length);
      copy.append(buffer, offset, length);
    }

    @Override
    public void flush() {
      through.flush();
    }

    @Override
    public void close() {
      flush();
    }
  }
}
