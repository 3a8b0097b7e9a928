package dev.vae4j.model;

import dev.vae4j.backend.Activation;
import dev.vae4j.model.layer.Conv2dSpec;
import dev.vae4j.model.layer.ConvTranspose2dSpec;
import dev.vae4j.model.layer.Layer;
import dev.vae4j.model.layer.LayerSpec;
import dev.vae4j.model.layer.Linear;
import dev.vae4j.model.layer.ParameterView;
import dev.vae4j.model.layer.ReshapeSpec;
import dev.vae4j.model.layer.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link VaeConfig}'s layers placed in the one flat float buffer that holds every parameter (and,
 * with the same offsets, the gradients and both Adam moments), in this order: the encoder's layers,
 * the heads, the decoder's layers. Each {@link Layer} owns its views and their PyTorch names.
 *
 * <p>Names: encoder linear layers {@code enc.fc} (or {@code enc.fc1..N} with several), the heads
 * {@code enc.mu} and {@code enc.logvar}, decoder {@code dec.fc} (or {@code dec.fc1..N}) and the
 * output layer {@code dec.out}. The heads are one {@code [2*latent, hidden]} linear layer — {@code
 * enc.mu.weight} immediately followed by {@code enc.logvar.weight}, then both biases — so a single
 * GEMM computes mu and logvar side by side. These are the names and offsets of every MLP model
 * file vae4j has written. A model with convolutions is named as a PyTorch module of {@code
 * nn.Sequential} groups would be ({@code enc.conv.0}, {@code enc.fc.0}, {@code enc.mu}, {@code
 * dec.fc.0}, {@code dec.deconv.0}, ...; see {@link #sequentialNames}).
 *
 * <p>Each layer is built on the shape the one before gives (the heads and the decoder's first layer
 * on the latent vector's), so a spec that cannot take it says so as it is built; the output layer
 * must give the likelihood's {@code outputsPerValue()} values per input value, else an {@link
 * IllegalArgumentException} names it.
 */
public final class ParameterLayout {
  private final List<Layer> encoder = new ArrayList<>();
  private final Linear heads;
  private final List<Layer> decoder = new ArrayList<>();
  private final List<ParameterView> views = new ArrayList<>();
  private final long size;

  public ParameterLayout(VaeConfig config) {
    int latent = config.latent();
    long offset = 0;
    // A conditional model's first dense layers read the class one-hot beside their input (the
    // image, or a conv model's flattened features) and beside z: weights [H, F + C] and [H, L + C],
    // as PyTorch's nn.Linear on the concatenation.
    int classes = config.classes();
    Shape shape = config.input();
    boolean sequential = !config.isMlp();
    List<String> encNames = sequential ? sequentialNames("enc", config.encoder()) : names("enc", config.encoder(), false);
    int conditioned = conditionedLayer(config);
    for (int i = 0; i < encNames.size(); i++) {
      if (i == conditioned) shape = Shape.flat(shape.size() + classes);
      Layer layer = config.encoder().get(i).build(encNames.get(i), shape, offset);
      offset = add(layer, encoder);
      shape = layer.outputShape();
    }
    // The heads flatten what the encoder gives, as its linear layers do.
    if (classes > 0 && conditioned == config.encoder().size()) shape = Shape.flat(shape.size() + classes);
    heads = new Linear(List.of("enc.mu", "enc.logvar"), shape.size(), 2 * latent, Activation.IDENTITY, offset);
    offset = add(heads, null);
    shape = Shape.flat(latent + classes);
    List<String> decNames = sequential ? sequentialNames("dec", config.decoder()) : names("dec", config.decoder(), true);
    for (int i = 0; i < decNames.size(); i++) {
      Layer layer = config.decoder().get(i).build(decNames.get(i), shape, offset);
      offset = add(layer, decoder);
      shape = layer.outputShape();
    }
    int outputs = Math.multiplyExact(config.likelihood().outputsPerValue(), config.inputSize());
    if (shape.size() != outputs) {
      throw new IllegalArgumentException("the output layer " + decoder.get(decoder.size() - 1).name() + " gives "
          + shape + " values per row, but a " + config.likelihood() + " model of " + config.inputSize()
          + " values needs " + outputs);
    }
    size = offset;
  }

  /**
   * The encoder layer (an index into its layers, the heads last) that reads a conditional model's
   * one-hot: the first dense one (an MLP's first layer; a conv model's first after its
   * convolutions, or the heads when it has none).
   */
  public static int conditionedLayer(VaeConfig config) {
    List<LayerSpec> specs = config.encoder();
    for (int i = 0; i < specs.size(); i++) if (specs.get(i) instanceof dev.vae4j.model.layer.LinearSpec) return i;
    return specs.size();
  }

  /** PyTorch names of a group's layers: {@code prefix.fc} or {@code prefix.fc1..N}; the decoder's last is {@code dec.out}. */
  private static List<String> names(String prefix, List<LayerSpec> specs, boolean lastIsOutput) {
    int hidden = specs.size() - (lastIsOutput ? 1 : 0);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < hidden; i++) names.add(hidden == 1 ? prefix + ".fc" : prefix + ".fc" + (i + 1));
    if (lastIsOutput) names.add(prefix + ".out");
    return names;
  }

  /**
   * Names of a convolutional model's layers, as a PyTorch module with {@code nn.Sequential} groups
   * names them: {@code prefix.conv.i}, {@code prefix.fc.i}, {@code prefix.deconv.i}, counted per
   * kind from 0 ({@code enc.conv.0}, {@code enc.fc.0}, {@code dec.fc.0}, {@code dec.deconv.0}, ...),
   * and {@code prefix.unflatten} for a reshape (which has no parameters).
   */
  private static List<String> sequentialNames(String prefix, List<LayerSpec> specs) {
    Map<String, Integer> counts = new HashMap<>();
    List<String> names = new ArrayList<>();
    for (LayerSpec spec : specs) {
      String kind = spec instanceof Conv2dSpec ? "conv" : spec instanceof ConvTranspose2dSpec ? "deconv"
          : spec instanceof ReshapeSpec ? "unflatten" : "fc";
      if (kind.equals("unflatten")) {
        names.add(prefix + ".unflatten");
        continue;
      }
      int i = counts.merge(kind, 1, Integer::sum) - 1;
      names.add(prefix + "." + kind + "." + i);
    }
    return names;
  }

  private long add(Layer layer, List<Layer> group) {
    if (group != null) group.add(layer);
    views.addAll(layer.views());
    return layer.offset() + layer.parameterCount();
  }

  /** Encoder layers before the heads, input side first. */
  public List<Layer> encoder() {
    return Collections.unmodifiableList(encoder);
  }

  /** The mu/logvar heads as one linear layer of {@code 2 * latent} outputs (no activation). */
  public Linear heads() {
    return heads;
  }

  /** Decoder layers, latent side first, ending with the output layer. */
  public List<Layer> decoder() {
    return Collections.unmodifiableList(decoder);
  }

  /** Every named view, in buffer order. */
  public List<ParameterView> views() {
    return Collections.unmodifiableList(views);
  }

  /** Total number of parameters. */
  public long size() {
    return size;
  }
}
