package dev.vae4j.cli;

import dev.vae4j.io.HeapBudget;
import dev.vae4j.model.ParameterLayout;
import dev.vae4j.model.VaeConfig;
import java.util.function.LongSupplier;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Options whose sizes would not fit: refused up front, before any folder is created or anything
 * allocated, as usage errors naming the figure; a size that overflows 64-bit arithmetic is one
 * too, never an {@link ArithmeticException}. The estimates count the host memory the command
 * cannot do without (a lower bound), so a refusal is certain to be right; what passes can still
 * run short, which the top level reports as one line ({@link Main}).
 */
final class MemoryLimits {
  /** Host copies of the parameter vector a training run holds: weights, gradients, two Adam moments, best weights, a checkpoint's download. */
  private static final int TRAINING_COPIES = 6;

  private MemoryLimits() {}

  /** Refuses a model of {@code config} trained in batches of {@code batchSize} that the heap cannot hold. */
  static void checkTraining(CommandLine cli, VaeConfig config, int batchSize, String options) {
    long bytes = bytes(cli, options, () -> {
      if (2L * config.latent() > Integer.MAX_VALUE) throw new ArithmeticException("the heads' width"); // mu and logvar
      long parameters = new ParameterLayout(config).size();
      long widths = Math.addExact(Math.multiplyExact((long) config.inputSize(), 1 + config.likelihood().outputsPerValue()),
          Math.multiplyExact(4L, config.latent()));
      long kept = 0; // GELU layers keep their pre-activations besides
      for (int h : config.hidden()) {
        widths = Math.addExact(widths, 2L * h);
        if (config.hiddenActivation().kind().backwardFromPreActivation()) kept = Math.addExact(kept, 2L * h);
      }
      long activations = Math.multiplyExact(Math.multiplyExact(Math.addExact(Math.multiplyExact(2L, widths), kept), batchSize),
          (long) Float.BYTES); // forward and backward
      return Math.addExact(Math.multiplyExact(parameters, (long) TRAINING_COPIES * Float.BYTES), activations);
    });
    require(cli, options, bytes, "a " + config.describe() + " model trained in batches of " + batchSize);
  }

  /** Refuses {@code count} decoded images of {@code config} ({@code extraPerImage} more bytes each, e.g. a picture's pixels). */
  static void checkImages(CommandLine cli, VaeConfig config, long count, long extraPerImage, String options) {
    long bytes = bytes(cli, options, () -> Math.multiplyExact(count, Math.addExact(extraPerImage,
        Math.multiplyExact((long) Float.BYTES, Math.addExact(config.latent(),
            Math.multiplyExact(2L * config.likelihood().outputsPerValue(), config.inputSize()))))));
    require(cli, options, bytes, count + " images of " + config.inputSize() + " pixels");
  }

  /** "--hidden 400 --latent 20 --batch-size 128": the options a refusal names. */
  static String options(int[] hidden, int latent, int batchSize) {
    StringBuilder s = new StringBuilder("--hidden ");
    for (int i = 0; i < hidden.length; i++) s.append(i == 0 ? "" : ",").append(hidden[i]);
    return s.append(" --latent ").append(latent).append(" --batch-size ").append(batchSize).toString();
  }

  private static long bytes(CommandLine cli, String options, LongSupplier estimate) {
    try {
      return estimate.getAsLong();
    } catch (ArithmeticException e) {
      throw new ParameterException(cli, options + ": the sizes overflow (a layer or buffer larger than Java can count or index)");
    } catch (IllegalArgumentException e) { // a layer whose size overflows an int
      throw new ParameterException(cli, options + ": " + e.getMessage());
    }
  }

  private static void require(CommandLine cli, String options, long bytes, String what) {
    if (!HeapBudget.fits(bytes)) {
      throw new ParameterException(cli, options + ": " + what + " would need " + HeapBudget.shortfall(bytes));
    }
  }
}
