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
      InterpolateCommand.class, EvalCommand.class, ScoreCommand.class, AnomalyEvalCommand.class);

  public static void main(String[] args) {
    DownloadProgress.install();
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (for tests and embedding). */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs the command line with the given output and error writers; returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = commandLine(args).setOut(out).setErr(err);
    cli.setDefaultValueProvider(new EnvironmentDefaults(System.getenv())); // VAE4J_DEVICE=cuda, ...
    cli.setParameterExceptionHandler(new UsageErrors());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("vae4j: error: " + oneLine(e));
      if (Boolean.getBoolean("vae4j.debug")) e.printStackTrace(commandLine.getErr());
      return 1;
    });
    return cli.execute(args);
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
   * command's options as it builds the command line, about 0.3 s for all fourteen on a cold JVM,
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
