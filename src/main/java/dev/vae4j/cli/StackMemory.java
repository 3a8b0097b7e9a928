package dev.vae4j.cli;

import dev.vae4j.model.ParameterLayout;
import dev.vae4j.model.VaeConfig;

/**
 * How many models of one shape a stacked fit on a GPU takes at once ({@code sweep --parallel-mode
 * stacked}'s "as many as fit in memory"): half the GPU's memory (the rest for the data, cuBLAS's
 * workspaces and the wave's other models) over what each model adds, its parameters, gradients and
 * two Adam moments beside its own weights, and its activations and their gradients for a batch. An
 * estimate, as the backend reports no free memory; a group larger than this trains in turn, in
 * stacks of this many.
 */
final class StackMemory {
  /** Copies of the parameter vector a stacked model holds on the device: weights, the stack's copy, gradients, two moments. */
  private static final int PARAMETER_COPIES = 5;

  private StackMemory() {}

  /** Models of {@code config} at batch {@code batch} that fit in {@code gpuBytes}, at least 1, at most {@code most}. */
  static int models(VaeConfig config, int batch, long gpuBytes, int most) {
    long perModel = bytesPerModel(config, batch);
    return (int) Math.max(1, Math.min(most, gpuBytes / 2 / perModel));
  }

  /** What one model adds to a stacked fit, in bytes. */
  static long bytesPerModel(VaeConfig config, int batch) {
    long parameters = new ParameterLayout(config).size();
    long widths = (long) config.inputSize() * (1 + config.likelihood().outputsPerValue()) + 4L * config.latent();
    for (int h : config.hidden()) widths += 2L * h;
    return (PARAMETER_COPIES * parameters + 2 * widths * batch) * Float.BYTES; // activations forward and backward
  }
}
