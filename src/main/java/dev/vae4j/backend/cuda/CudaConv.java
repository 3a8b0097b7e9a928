package dev.vae4j.backend.cuda;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.ConvOps;
import dev.vae4j.backend.ConvShape;
import dev.vae4j.backend.Tensor;

/**
 * {@link ConvOps} on the GPU: not implemented yet (cuDNN is to come), so every op says so and conv
 * models run on the CPU backend.
 */
final class CudaConv implements ConvOps {
  private static UnsupportedOperationException unsupported(ConvShape shape) {
    return new UnsupportedOperationException(
        "convolutions are not implemented on the CUDA backend yet (cuDNN is to come): " + shape.describe());
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
