package dev.vae4j.model;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.ActivationFunction;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.model.layer.Conv2dSpec;
import dev.vae4j.model.layer.ConvTranspose2dSpec;
import dev.vae4j.model.layer.LayerSpec;
import dev.vae4j.model.layer.LinearSpec;
import dev.vae4j.model.layer.ReshapeSpec;
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
    return mlp(input, hidden, latent, likelihood, ActivationFunction.RELU);
  }

  /** {@link #mlp(Shape, int[], int, Likelihood, ActivationFunction)} with {@code activation}'s default parameter. */
  public static VaeConfig mlp(Shape input, int[] hidden, int latent, Likelihood likelihood, Activation activation) {
    return mlp(input, hidden, latent, likelihood, ActivationFunction.of(activation));
  }

  /**
   * {@link #mlp(Shape, int[], int, Likelihood)} with {@code activation} (ReLU, leaky ReLU of any
   * slope in (0, 1), ELU, GELU or tanh) after every hidden layer of encoder and decoder instead of ReLU;
   * the heads and the output layer keep none. What {@code --activation} builds.
   */
  public static VaeConfig mlp(Shape input, int[] hidden, int latent, Likelihood likelihood, ActivationFunction activation) {
    requireHiddenActivation(activation);
    if (input == null) throw new IllegalArgumentException("input shape is required");
    if (hidden == null || hidden.length == 0) throw new IllegalArgumentException("at least one hidden layer is required");
    for (int h : hidden) {
      if (h <= 0) throw new IllegalArgumentException("hidden sizes must be > 0, got " + h);
    }
    if (likelihood == null) throw new IllegalArgumentException("likelihood is required");
    List<LayerSpec> enc = new ArrayList<>(), dec = new ArrayList<>();
    for (int h : hidden) enc.add(new LinearSpec(h, activation));
    for (int i = hidden.length - 1; i >= 0; i--) dec.add(new LinearSpec(hidden[i], activation));
    dec.add(new LinearSpec(Math.multiplyExact(likelihood.outputsPerValue(), input.size()), Activation.IDENTITY));
    return new VaeConfig(input, enc, latent, dec, likelihood);
  }

  /**
   * A convolutional VAE, what {@code --conv} builds: the encoder is one {@code Conv2d} of kernel 4,
   * stride 2, padding 1 per entry of {@code channels} (each halving height and width, ReLU), then the
   * {@code hidden} dense layers (ReLU; the first flattens the image in (C, H, W) order); the decoder
   * mirrors it: dense layers through {@code hidden} reversed, one more up to the last convolution's
   * flattened size (ReLU), a reshape to that image, then {@code ConvTranspose2d}s of the same
   * geometry back through {@code channels} reversed (ReLU between) to the input's channels times
   * {@code likelihood.outputsPerValue()} (no activation). {@code hidden} may be empty.
   *
   * @throws IllegalArgumentException when the input is not an image, or its height or width is not a
   *     multiple of {@code 2^channels.length}; the message names sizes that would work
   */
  public static VaeConfig conv(Shape input, int[] channels, int[] hidden, int latent, Likelihood likelihood) {
    return conv(input, channels, hidden, latent, likelihood, ActivationFunction.RELU);
  }

  /**
   * {@link #conv(Shape, int[], int[], int, Likelihood)} with {@code dense} (as {@link #mlp(Shape,
   * int[], int, Likelihood, ActivationFunction)} takes) after every dense hidden layer, the
   * encoder's and the decoder's (up to the reshape) in place of ReLU; the convolutions keep ReLU,
   * the only activation the backends fuse into them (oneDNN's post-op, cuDNN's fused forward).
   */
  public static VaeConfig conv(Shape input, int[] channels, int[] hidden, int latent, Likelihood likelihood,
      ActivationFunction dense) {
    requireHiddenActivation(dense);
    if (input == null || input.isFlat()) {
      throw new IllegalArgumentException("a convolutional model needs image inputs (C x H x W), got " + input);
    }
    if (channels == null || channels.length == 0) throw new IllegalArgumentException("--conv needs at least one layer");
    if (likelihood == null) throw new IllegalArgumentException("likelihood is required");
    for (int c : channels) if (c <= 0) throw new IllegalArgumentException("conv channels must be > 0, got " + c);
    for (int h : hidden) if (h <= 0) throw new IllegalArgumentException("hidden sizes must be > 0, got " + h);
    int factor = 1 << channels.length;
    if (input.height() % factor != 0 || input.width() % factor != 0) {
      throw new IllegalArgumentException(channels.length + " stride-2 convolutions halve height and width "
          + channels.length + " times, so both must be multiples of " + factor + "; " + input + " is not ("
          + multiples(input.height(), factor, "height") + ", " + multiples(input.width(), factor, "width")
          + "), or use fewer --conv layers");
    }
    List<LayerSpec> enc = new ArrayList<>(), dec = new ArrayList<>();
    for (int c : channels) enc.add(new Conv2dSpec(c, 4, 2, 1, Activation.RELU));
    for (int h : hidden) enc.add(new LinearSpec(h, dense));
    Shape last = new Shape(channels[channels.length - 1], input.height() / factor, input.width() / factor);
    for (int i = hidden.length - 1; i >= 0; i--) dec.add(new LinearSpec(hidden[i], dense));
    dec.add(new LinearSpec(last.size(), dense));
    dec.add(new ReshapeSpec(last));
    for (int i = channels.length - 2; i >= 0; i--) dec.add(new ConvTranspose2dSpec(channels[i], 4, 2, 1, Activation.RELU));
    dec.add(new ConvTranspose2dSpec(Math.multiplyExact(likelihood.outputsPerValue(), input.channels()), 4, 2, 1,
        Activation.IDENTITY));
    return new VaeConfig(input, enc, latent, dec, likelihood);
  }

  private static void requireHiddenActivation(ActivationFunction activation) {
    Activation kind = activation.kind();
    if (kind != Activation.RELU && kind != Activation.ELU && kind != Activation.TANH && kind != Activation.LEAKY_RELU
        && kind != Activation.GELU) {
      throw new IllegalArgumentException("hidden layers take relu, leaky-relu, elu, gelu or tanh, not " + kind);
    }
  }

  /** E.g. {@code height 24 or 32 would work}: the nearest multiples of {@code factor} around {@code size}. */
  private static String multiples(int size, int factor, String what) {
    if (size % factor == 0) return what + " " + size + " works";
    int below = size / factor * factor, above = below + factor;
    return what + " " + (below > 0 ? below + " or " : "") + above + " would work";
  }

  /**
   * The channels of {@link #conv}'s default layers for {@code input}: as many stride-2
   * convolutions of 32, 64, 128, 256 channels as halve height and width exactly down to no less
   * than 4 (28x28: 32,64; 32x32: 32,64,128; 64x64: 32,64,128,256), at least one.
   */
  public static int[] defaultConvChannels(Shape input) {
    int[] ladder = {32, 64, 128, 256};
    int n = 0, h = input.height(), w = input.width();
    while (n < ladder.length && h % 2 == 0 && w % 2 == 0 && h / 2 >= 4 && w / 2 >= 4) {
      h /= 2;
      w /= 2;
      n++;
    }
    return java.util.Arrays.copyOf(ladder, Math.max(1, n));
  }

  /** Whether every layer is dense (a model {@link #mlp} builds, whose files record only sizes). */
  public boolean isMlp() {
    for (LayerSpec spec : encoder) if (!(spec instanceof LinearSpec)) return false;
    for (LayerSpec spec : decoder) if (!(spec instanceof LinearSpec)) return false;
    return true;
  }

  /**
   * The activation of an MLP's hidden layers (the encoder's layers and all the decoder's but the
   * last): what files record besides the sizes so that {@link #mlp(Shape, int[], int, Likelihood,
   * ActivationFunction)} rebuilds the model. ReLU for every model {@code --hidden} alone builds, and for
   * one that is not an MLP.
   */
  public ActivationFunction hiddenActivation() {
    return isMlp() ? ((LinearSpec) encoder.get(0)).function() : ActivationFunction.RELU;
  }

  /**
   * The activation of the dense hidden layers, an MLP's ({@link #hiddenActivation}) or a
   * convolutional model's (its first dense layer's: {@link #conv(Shape, int[], int[], int,
   * Likelihood, ActivationFunction)} gives them all one; the decoder's, after the heads, where the
   * encoder has none). What {@code --dropout} must agree with.
   */
  public ActivationFunction denseActivation() {
    for (List<LayerSpec> specs : List.of(encoder, decoder)) {
      for (LayerSpec s : specs) if (s instanceof LinearSpec l) return l.function();
    }
    return ActivationFunction.RELU;
  }

  /** The output channels of the encoder's convolutions, input side first (empty for an MLP). */
  public int[] convChannels() {
    return encoder.stream().filter(s -> s instanceof Conv2dSpec).mapToInt(s -> ((Conv2dSpec) s).outChannels()).toArray();
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
   * The output sizes of the encoder's dense layers, input side first (for {@link #mlp}'s models,
   * its {@code hidden}; for {@link #conv}'s, the dense layers after the convolutions).
   */
  public int[] hidden() {
    return encoder.stream().filter(s -> s instanceof LinearSpec).mapToInt(s -> ((LinearSpec) s).outputs()).toArray();
  }

  /**
   * E.g. {@code 784-400-20}: input size, encoder layer sizes, latent size; a convolutional model
   * starts with its input shape and convolutions: {@code 1x28x28-c32-c64-256-20}.
   */
  public String describe() {
    StringBuilder s = new StringBuilder();
    if (isMlp()) {
      s.append(inputSize());
    } else {
      s.append(input);
      for (int c : convChannels()) s.append("-c").append(c);
    }
    for (int h : hidden()) s.append('-').append(h);
    return s.append('-').append(latent).toString();
  }

  @Override
  public String toString() {
    return "VaeConfig[" + input + " in, " + describe() + ", " + likelihood + "]";
  }
}
