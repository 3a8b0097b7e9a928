package dev.vae4j.model.layer;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.ActivationFunction;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * One fully connected layer {@code y = act(x W^T + b)} inside the flat parameter buffer: W is
 * {@code [out, in]} row-major at {@code weightOffset} (PyTorch {@code nn.Linear} layout), b is
 * {@code [out]} right after it at {@link #biasOffset}. Forward is one {@link Backend#linearForward},
 * backward one {@link Backend#linearBackward}.
 *
 * <p>{@code names} is usually one module name. With several (the VAE heads: {@code enc.mu},
 * {@code enc.logvar}) the layer is that many PyTorch modules of {@code out / names.size()} outputs
 * stacked into one GEMM: the views are each module's weight rows in turn, then each one's bias.
 */
public record Linear(List<String> names, int in, int out, ActivationFunction function, long weightOffset)
    implements Layer {
  public Linear {
    names = List.copyOf(names);
    if (names.isEmpty()) throw new IllegalArgumentException("a layer needs a name");
    if (in <= 0 || out <= 0) throw new IllegalArgumentException("layer sizes must be > 0, got " + in + " -> " + out);
    if (out % names.size() != 0) {
      throw new IllegalArgumentException(out + " outputs do not split into " + names.size() + " modules");
    }
    if (function == null) throw new IllegalArgumentException("activation is required");
  }

  /** {@code activation} with its default parameter. */
  public Linear(List<String> names, int in, int out, Activation activation, long weightOffset) {
    this(names, in, out, activation == null ? null : ActivationFunction.of(activation), weightOffset);
  }

  /** The activation's kind. */
  public Activation activation() {
    return function.kind();
  }

  public long weightSize() {
    return (long) in * out;
  }

  public long biasOffset() {
    return weightOffset + weightSize();
  }

  @Override
  public String name() {
    return names.get(0);
  }

  @Override
  public Shape inputShape() {
    return Shape.flat(in);
  }

  @Override
  public Shape outputShape() {
    return Shape.flat(out);
  }

  @Override
  public long offset() {
    return weightOffset;
  }

  @Override
  public long parameterCount() {
    return weightSize() + out;
  }

  @Override
  public List<ParameterView> views() {
    int parts = names.size(), rows = out / parts;
    List<ParameterView> views = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      views.add(new ParameterView(names.get(i) + ".weight", weightOffset + (long) i * rows * in, new int[] {rows, in}, in));
    }
    for (int i = 0; i < parts; i++) {
      views.add(new ParameterView(names.get(i) + ".bias", biasOffset() + (long) i * rows, new int[] {rows}, in));
    }
    return views;
  }

  /** {@code [weight, bias]}. */
  @Override
  public Tensor[] bind(Backend backend, Tensor buffer) {
    return new Tensor[] {backend.slice(buffer, weightOffset, weightSize()), backend.slice(buffer, biasOffset(), out)};
  }

  @Override
  public void forward(Backend backend, Tensor[] params, Tensor x, Tensor y, int rows) {
    backend.linearForward(x, params[0], params[1], y, rows, in, out, function);
  }

  @Override
  public boolean keepsPreActivation() {
    return function.kind().backwardFromPreActivation();
  }

  @Override
  public void forward(Backend backend, Tensor[] params, Tensor x, Tensor y, Tensor pre, int rows) {
    backend.linearForward(x, params[0], params[1], y, pre, rows, in, out, function);
  }

  /** {@code x W^T}. */
  @Override
  public List<GemmShape> forwardGemms(String role, int rows) {
    return List.of(new GemmShape(role + " forward", rows, out, in, false, true));
  }

  /** {@code dW = dy^T x}, then {@code dx = dy W}. */
  @Override
  public List<GemmShape> backwardGemms(String role, int rows, boolean inputGradient) {
    GemmShape weightGrad = new GemmShape(role + " weight grad", out, in, rows, true, false);
    return inputGradient ? List.of(weightGrad, new GemmShape(role + " input grad", rows, in, out, false, false))
        : List.of(weightGrad);
  }

  /**
   * {@code dy} becomes d(pre-activation) in place; then {@code dW = dy^T x}, {@code db = colsum(dy)},
   * and {@code dx = dy W} unless {@code dx} is null.
   */
  @Override
  public void backward(Backend backend, Tensor[] params, Tensor[] grads, Tensor x, Tensor y, Tensor dy, Tensor dx,
      int rows) {
    backend.linearBackward(x, params[0], y, dy, grads[0], grads[1], dx, rows, in, out, function);
  }
}
