package dev.vae4j.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code vae4j} command line. A thin layer: each subcommand parses its options, calls the
 * library, and prints. Exit codes: 0 success, 1 runtime error (one line on stderr naming the
 * problem), 2 usage error.
 */
@Command(
    name = "vae4j",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Trains variational autoencoders on the CPU (oneDNN or OpenBLAS) or an NVIDIA GPU (CUDA).")
public final class Main {
  /** Every subcommand, in the order the usage help lists them. */
  private static final List<Class<?>> SUBCOMMANDS = List.of(TrainCommand.class, InfoCommand.class,
      BenchCommand.class, CommandLine.HelpCommand.class, SampleCommand.class, ReconstructCommand.class,
      EncodeCommand.class, PlotLatentCommand.class, ManifoldCommand.class, TraverseCommand.class,
      InterpolateCommand.class, EvalCommand.class, ScoreCommand.class, AnomalyEvalCommand.class,
      AnomalyBenchmarkCommand.class, SweepCommand.class);

  public static void main(String[] args) {
    DownloadProgress.install();
    dev.vae4j.data.ImageFolders.setProgress(ImageProgress::start);
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (for tests and embedding). */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs the command line with the given output and error writers; returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return run(out, err, System.getenv(), args);
  }

  /** {@link #run(PrintWriter, PrintWriter, String...)} in the given environment (for tests of what reads it). */
  static int run(PrintWriter out, PrintWriter err, java.util.Map<String, String> environment, String... args) {
    return run(out, err, environment, null, args);
  }

  /** {@link #run(PrintWriter, PrintWriter, java.util.Map, String...)} with {@code pruning} watching a train command (the sweep's --prune). */
  static int run(PrintWriter out, PrintWriter err, java.util.Map<String, String> environment, TrialPruning pruning, String... args) {
    return run(out, err, environment, pruning, 0, args);
  }

  /**
   * {@link #run(PrintWriter, PrintWriter, java.util.Map, TrialPruning, String...)} with a train
   * command's CPU backend confined to {@code cpuCores} threads (0: all), for trials side by side
   * (the sweep's --parallel).
   */
  static int run(PrintWriter out, PrintWriter err, java.util.Map<String, String> environment, TrialPruning pruning,
      int cpuCores, String... args) {
    return run(out, err, environment, pruning, cpuCores, null, args);
  }

  /**
   * {@link #run(PrintWriter, PrintWriter, java.util.Map, TrialPruning, int, String...)} with a train
   * command's data, backend and fit through {@code stack} when it is not null, for trials trained
   * stacked (the sweep's --parallel-mode stacked).
   */
  static int run(PrintWriter out, PrintWriter err, java.util.Map<String, String> environment, TrialPruning pruning,
      int cpuCores, TrialStack.Seat stack, String... args) {
    CommandLine cli = commandLine(args).setOut(out).setErr(err);
    CommandLine train = cli.getSubcommands().get("train");
    if (train != null) {
      ((TrainCommand) train.getCommand()).pruning = pruning;
      ((TrainCommand) train.getCommand()).cpuCores = cpuCores;
      ((TrainCommand) train.getCommand()).stack = stack;
    }
    cli.setDefaultValueProvider(new EnvironmentDefaults(environment)); // VAE4J_DEVICE=cuda, ...
    CommandLine sweep = cli.getSubcommands().get("sweep");
    if (sweep != null) ((SweepCommand) sweep.getCommand()).environment = environment; // --shard auto
    cli.registerConverter(java.nio.file.Path.class, new PathConverter());
    cli.setParameterExceptionHandler(new UsageErrors());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("vae4j: error: " + oneLine(e));
      if (Boolean.getBoolean("vae4j.debug")) e.printStackTrace(commandLine.getErr());
      return 1;
    });
    try {
      return cli.execute(args);
    } catch (OutOfMemoryError e) { // what the up-front size checks could not foresee: one line, never a trace
      err.println("vae4j: error: " + outOfMemory(e, args));
      return 1;
    }
  }

  /**
   * One line for running out of memory: the operation (the vae4j method that allocated, and the
   * command) and the heap, with how to raise it. The failed allocation has been unwound, so there
   * is room again to build the string.
   */
  static String outOfMemory(OutOfMemoryError e, String... args) {
    String operation = args.length > 0 ? args[0] : "vae4j";
    for (StackTraceElement frame : e.getStackTrace()) {
      if (frame.getClassName().startsWith("dev.vae4j.")) {
        String cls = frame.getClassName();
        operation += " (in " + cls.substring(cls.lastIndexOf('.') + 1) + "." + frame.getMethodName() + ")";
        break;
      }
    }
    return "out of memory in " + operation + ": " + (e.getMessage() == null ? "" : e.getMessage() + "; ") + "the heap is "
        + dev.vae4j.io.HeapBudget.size(Runtime.getRuntime().maxMemory()) + ", raise it with JAVA_OPTS=-Xmx...";
  }

  /** The command line for {@code args}, with the subcommands {@link #subcommandsFor} picks. */
  static CommandLine commandLine(String... args) {
    CommandLine cli = new CommandLine(new Main());
    for (Class<?> command : subcommandsFor(args)) cli.addSubcommand(command);
    return cli;
  }

  /**
   * The subcommands to register for {@code args}: only the one named first, when one is, else all
   * (usage help, {@code help CMD}, errors that list them). Picocli reflects over every registered
   * command's options as it builds the command line, about 0.3 s for all of them on a cold JVM,
   * which every command would otherwise pay before doing anything.
   */
  static List<Class<?>> subcommandsFor(String... args) {
    if (args.length > 0) {
      for (Class<?> command : SUBCOMMANDS) {
        if (command != CommandLine.HelpCommand.class && command.getAnnotation(Command.class).name().equals(args[0])) {
          return List.of(command);
        }
      }
    }
    return SUBCOMMANDS;
  }

  /** The message of an error, as one line, without the exception class for the expected kinds. */
  static String oneLine(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) message = e.getClass().getSimpleName();
    else if (!(e instanceof IllegalArgumentException || e instanceof java.io.IOException
        || e instanceof IllegalStateException || e.getClass().getName().startsWith("dev.vae4j"))) {
      message = e.getClass().getSimpleName() + ": " + message;
    }
    return message.replace('\n', ' ');
  }
}
