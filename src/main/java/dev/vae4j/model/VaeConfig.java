package dev.vae4j.model;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.model.layer.LayerSpec;
import dev.vae4j.model.layer.LinearSpec;
import dev.vae4j.model.layer.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of a VAE: the input's shape, the encoder's layers (input side first), the latent size,
 * the decoder's layers (latent side first, the last giving the likelihood's parameters:
 * {@code likelihood.outputsPerValue()} per input value) and the decoder's likelihood. Between
 * encoder and decoder sit the heads (mu and logvar, one linear layer of {@code 2 * latent}
 * outputs) and the reparameterization; {@link ParameterLayout} places them all.
 *
 * <p>Most models are MLPs made by {@link #mlp}: the classic PyTorch example is {@code 784-400-20}
 * ({@link #mnistDefault}); the tutorial's is {@code 784-128-2}. {@link #inputSize}, {@link #hidden}
 * and {@link #describe} are MLP conveniences that read such a model's sizes back.
 *
 * @param input one row's shape
 * @param encoder encoder layers before the heads, input side first
 * @param latent latent dimensions
 * @param decoder decoder layers, latent side first, ending with the output layer
 * @param likelihood the decoder's output distribution
 */
public record VaeConfig(Shape input, List<LayerSpec> encoder, int latent, List<LayerSpec> decoder,
    Likelihood likelihood) {

  /** Checks every size; a bad one throws {@link IllegalArgumentException} naming it. */
  public VaeConfig {
    if (input == null) throw new IllegalArgumentException("input shape is required");
    if (latent <= 0) throw new IllegalArgumentException("latent size must be > 0, got " + latent);
    if (encoder == null || encoder.isEmpty()) throw new IllegalArgumentException("at least one hidden layer is required");
    if (decoder == null || decoder.isEmpty()) throw new IllegalArgumentException("the decoder needs an output layer");
    if (likelihood == null) throw new IllegalArgumentException("likelihood is required");
    encoder = List.copyOf(encoder);
    decoder = List.copyOf(decoder);
  }

  /** Whether any layer is a convolution ({@link LayerSpec#convolutional}), which on a GPU needs cuDNN. */
  public boolean convolutional() {
    return encoder.stream().anyMatch(LayerSpec::convolutional) || decoder.stream().anyMatch(LayerSpec::convolutional);
  }

  /**
   * An MLP: encoder {@code input -> hidden[0] -> ... } with ReLU (the first layer flattening the
   * image), the heads, decoder through {@code hidden} reversed with ReLU, then an output layer of
   * {@code likelihood.outputsPerValue() * input.size()} values, no activation. What {@code
   * --hidden} and {@code --latent} build.
   */
  public static VaeConfig mlp(Shape input, int[] hidden, int latent, Likelihood likelihood) {
    if (input == null) throw new IllegalArgumentException("input shape is required");
    if (hidden == null || hidden.length == 0) throw new IllegalArgumentException("at least one hidden layer is required");
    for (int h : hidden) {
      if (h <= 0) throw new IllegalArgumentException("hidden sizes must be > 0, got " + h);
    }
    if (likelihood == null) throw new IllegalArgumentException("likelihood is required");
    List<LayerSpec> enc = new ArrayList<>(), dec = new ArrayList<>();
    for (int h : hidden) enc.add(new LinearSpec(h, Activation.RELU));
    for (int i = hidden.length - 1; i >= 0; i--) dec.add(new LinearSpec(hidden[i], Activation.RELU));
    dec.add(new LinearSpec(Math.multiplyExact(likelihood.outputsPerValue(), input.size()), Activation.IDENTITY));
    return new VaeConfig(input, enc, latent, dec, likelihood);
  }

  /** {@link #mlp(Shape, int[], int, Likelihood)} on flat rows of {@code inputSize} values. */
  public static VaeConfig mlp(int inputSize, int[] hidden, int latent, Likelihood likelihood) {
    if (inputSize <= 0) throw new IllegalArgumentException("input size must be > 0, got " + inputSize);
    return mlp(Shape.flat(inputSize), hidden, latent, likelihood);
  }

  /** The default model of the classic PyTorch example: 784-400-20, Bernoulli pixels. */
  public static VaeConfig mnistDefault() {
    return mlp(new Shape(1, 28, 28), new int[] {400}, 20, Likelihood.BERNOULLI);
  }

  /**
   * Whether {@code other} is this model: the same layers, latent size and likelihood, over inputs
   * of the same shape, or of the same size where either is flat (older model files recorded
   * no image shape, so an MLP of theirs reads back with flat inputs).
   */
  public boolean sameModelAs(VaeConfig other) {
    boolean sameInput = input.equals(other.input)
        || (input.size() == other.input.size() && (input.isFlat() || other.input.isFlat()));
    return sameInput && encoder.equals(other.encoder) && latent == other.latent && decoder.equals(other.decoder)
        && likelihood == other.likelihood;
  }

  /** Values per input row (pixels per image: channels * height * width). */
  public int inputSize() {
    return input.size();
  }

  /**
   * MLP convenience: the output sizes of the encoder's layers, input side first (for {@link #mlp}'s
   * models, its {@code hidden}).
   */
  public int[] hidden() {
    int[] out = new int[encoder.size()];
    for (int i = 0; i < out.length; i++) {
      LayerSpec spec = encoder.get(i);
      if (!(spec instanceof LinearSpec l)) throw new IllegalStateException("not an MLP: " + spec);
      out[i] = l.outputs();
    }
    return out;
  }

  /** E.g. {@code 784-400-20}: input size, encoder layer sizes, latent size. */
  public String describe() {
    StringBuilder s = new StringBuilder().append(inputSize());
    for (int h : hidden()) s.append('-').append(h);
    return s.append('-').append(latent).toString();
  }

  @Override
  public String toString() {
    return "VaeConfig[" + input + " in, " + describe() + ", " + likelihood + "]";
  }
}
