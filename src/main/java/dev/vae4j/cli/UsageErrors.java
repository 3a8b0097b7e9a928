package dev.vae4j.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Prints a usage error as two lines, never the usage help: {@code vae4j: error: PROBLEM}, then
 * the fix. A message written {@code "problem; fix"} carries its own fix; otherwise the fix is
 * picocli's suggestion for a mistyped option or command, or the command's {@code --help}.
 */
final class UsageErrors implements IParameterExceptionHandler {
  static final String FIX_SEPARATOR = "; ";

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    String message = e.getMessage() == null ? "bad command line" : e.getMessage().replace('\n', ' ');
    int fix = message.indexOf(FIX_SEPARATOR);
    err.println("vae4j: error: " + (fix < 0 ? message : message.substring(0, fix)));
    if (fix >= 0) {
      err.println(message.substring(fix + FIX_SEPARATOR.length()));
    } else if (!UnmatchedArgumentException.printSuggestions(e, err)) {
      err.println("See '" + command.getCommandSpec().qualifiedName() + " --help' for the options.");
    }
    err.flush();
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }
}
