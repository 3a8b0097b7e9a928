package dev.vae4j.model.layer;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.ConvShape;
import dev.vae4j.backend.Tensor;
import java.util.List;

/**
 * A {@code Conv2d} or {@code ConvTranspose2d} layer ({@link Conv2dSpec}, {@link
 * ConvTranspose2dSpec}) inside the flat parameter buffer: the weight in PyTorch's layout of the
 * module ({@code [out, in, k, k]}, or {@code [in, out, k, k]} when transposed) at {@code
 * weightOffset}, then the bias {@code [out]}. Forward is one {@link Backend#convForward} (bias and
 * activation fused where the backend can); backward is the activation's backward, {@link
 * Backend#convBackwardWeights} and {@link Backend#convBackwardData}.
 *
 * @param geometry the convolution for one image ({@code batch} 1); each pass uses it for its rows
 */
public record ConvLayer(String name, ConvShape geometry, Activation activation, long weightOffset) implements Layer {
  public ConvLayer {
    if (geometry.batch() != 1) throw new IllegalArgumentException("a layer's geometry is for one image");
    if (activation != Activation.IDENTITY && activation != Activation.RELU) {
      throw new IllegalArgumentException("convolution layers support IDENTITY and RELU, not " + activation);
    }
  }

  @Override
  public Shape inputShape() {
    return new Shape(geometry.inChannels(), geometry.inHeight(), geometry.inWidth());
  }

  @Override
  public Shape outputShape() {
    return new Shape(geometry.outChannels(), geometry.outHeight(), geometry.outWidth());
  }

  @Override
  public long offset() {
    return weightOffset;
  }

  private long biasOffset() {
    return weightOffset + geometry.weightSize();
  }

  @Override
  public long parameterCount() {
    return geometry.weightSize() + geometry.outChannels();
  }

  /**
   * Weight and bias, with PyTorch's fan-in: the inputs each output sums, {@code in * k * k} for a
   * convolution; for a transposed one PyTorch takes the weight's second dimension, {@code out * k * k}.
   */
  @Override
  public List<ParameterView> views() {
    int k = geometry.kernel(), in = geometry.inChannels(), out = geometry.outChannels();
    int fanIn = (geometry.transposed() ? out : in) * k * k;
    int[] weightShape = geometry.transposed() ? new int[] {in, out, k, k} : new int[] {out, in, k, k};
    return List.of(new ParameterView(name + ".weight", weightOffset, weightShape, fanIn),
        new ParameterView(name + ".bias", biasOffset(), new int[] {out}, fanIn));
  }

  /** {@code [weight, bias]}. */
  @Override
  public Tensor[] bind(Backend backend, Tensor buffer) {
    return new Tensor[] {backend.slice(buffer, weightOffset, geometry.weightSize()),
        backend.slice(buffer, biasOffset(), geometry.outChannels())};
  }

  @Override
  public void prepare(Backend backend, int rows) {
    backend.prepareConv(geometry.withBatch(rows));
  }

  @Override
  public void forward(Backend backend, Tensor[] params, Tensor x, Tensor y, int rows) {
    backend.convForward(geometry.withBatch(rows), x, params[0], params[1], y, activation);
  }

  /** {@code dy} becomes d(pre-activation) in place; then the weight and bias gradients, and {@code dx} unless null. */
  @Override
  public void backward(Backend backend, Tensor[] params, Tensor[] grads, Tensor x, Tensor y, Tensor dy, Tensor dx,
      int rows) {
    ConvShape shape = geometry.withBatch(rows);
    if (activation == Activation.RELU) {
      backend.activationBackward(dy, y, null, rows, outputShape().size(), Activation.RELU);
    }
    backend.convBackwardWeights(shape, x, dy, grads[0], grads[1]);
    if (dx != null) backend.convBackwardData(shape, dy, params[0], dx);
  }

  /** None: a convolution is not one of the step's GEMMs (benchmarks time it with the step). */
  @Override
  public List<GemmShape> forwardGemms(String role, int rows) {
    return List.of();
  }

  @Override
  public List<GemmShape> backwardGemms(String role, int rows, boolean inputGradient) {
    return List.of();
  }
}
