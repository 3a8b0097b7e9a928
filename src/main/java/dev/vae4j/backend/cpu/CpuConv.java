package dev.vae4j.backend.cpu;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.ConvOps;
import dev.vae4j.backend.ConvShape;
import dev.vae4j.backend.Tensor;

/**
 * {@link ConvOps} on the CPU: being written (oneDNN primitives); until then every op says so.
 */
final class CpuConv implements ConvOps {
  private static UnsupportedOperationException unsupported(ConvShape shape) {
    return new UnsupportedOperationException(
        "CPU convolutions are not written yet: " + shape.describe());
  }

  @Override
  public void prepareConv(ConvShape shape) {
    throw unsupported(shape);
  }

  @Override
  public void convForward(ConvShape shape, Tensor x, Tensor w, Tensor bias, Tensor y, Activation act) {
    throw unsupported(shape);
  }

  @Override
  public void convBackwardData(ConvShape shape, Tensor dy, Tensor w, Tensor dx) {
    throw unsupported(shape);
  }

  @Override
  public void convBackwardWeights(ConvShape shape, Tensor x, Tensor dy, Tensor weightGrad, Tensor biasGrad) {
    throw unsupported(shape);
  }
}
