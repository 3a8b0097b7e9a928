package dev.vae4j.model.layer;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Tensor;
import java.util.List;

/**
 * One layer of a model, placed in the flat parameter buffer: what it takes and gives per row, its
 * parameters (named views from {@link #offset}, in buffer order), and its forward and backward pass
 * as {@link Backend} calls. A network is a chain of layers, each built ({@link LayerSpec#build})
 * on the previous one's {@link #outputShape}; it allocates every layer's output (and, to train, an
 * output gradient) of {@code rows * outputShape().size()} floats.
 *
 * <p>Parameter tensors are bound once by {@link #bind} (slices of the parameter buffer or of a
 * gradient buffer laid out like it) and passed back to {@link #forward} and {@link #backward}.
 */
public sealed interface Layer permits Linear, ConvLayer, Reshape {
  /** The PyTorch module name, e.g. {@code enc.fc1} (the heads: {@code enc.mu}). */
  String name();

  Shape inputShape();

  Shape outputShape();

  /** Where this layer's parameters start in the flat buffer. */
  long offset();

  /** How many floats of the flat buffer this layer's parameters take, from {@link #offset}. */
  long parameterCount();

  /** This layer's named views, in buffer order. */
  List<ParameterView> views();

  /** This layer's parameter tensors, sliced from {@code buffer} (parameters or gradients). */
  Tensor[] bind(Backend backend, Tensor buffer);

  /**
   * Makes the backend ready for passes of up to {@code rows} rows (convolutions prepare their shapes:
   * {@link Backend#prepareConv}), so that a step then allocates nothing; called when a workspace of
   * that capacity is made. The default does nothing.
   */
  default void prepare(Backend backend, int rows) {}

  /** {@code y = layer(x)} for {@code rows} rows; {@code params} from {@link #bind}. */
  void forward(Backend backend, Tensor[] params, Tensor x, Tensor y, int rows);

  /**
   * Whether {@link #backward} takes the layer's pre-activation in place of its output (a GELU
   * layer: {@link dev.vae4j.backend.Activation#backwardFromPreActivation}); a training workspace
   * then keeps one more buffer of the output's size for this layer, and no other layer costs one.
   */
  default boolean keepsPreActivation() {
    return false;
  }

  /**
   * {@link #forward(Backend, Tensor[], Tensor, Tensor, int)} that also writes the pre-activation
   * into {@code pre} unless it is null; only a layer that {@link #keepsPreActivation} is given one.
   */
  default void forward(Backend backend, Tensor[] params, Tensor x, Tensor y, Tensor pre, int rows) {
    forward(backend, params, x, y, rows);
  }

  /**
   * Backward for {@code rows} rows from the forward's output {@code y} (its pre-activation for a
   * layer that {@link #keepsPreActivation}): {@code dy} (d output, overwritten as the layer needs), into the
   * parameter gradients {@code grads} (from {@link #bind} on a gradient buffer) and {@code dx}
   * (d input), unless {@code dx} is null (the first layer).
   */
  void backward(Backend backend, Tensor[] params, Tensor[] grads, Tensor x, Tensor y, Tensor dy, Tensor dx, int rows);

  /**
   * The GEMMs {@link #forward} issues on {@code rows} rows, each named {@code role + " forward"}
   * (what benchmarks time alone and count FLOPs of).
   */
  List<GemmShape> forwardGemms(String role, int rows);

  /**
   * The GEMMs {@link #backward} issues on {@code rows} rows: weight gradients, then (when {@code
   * inputGradient}, i.e. {@code dx} is not null) the input gradient.
   */
  List<GemmShape> backwardGemms(String role, int rows, boolean inputGradient);
}
