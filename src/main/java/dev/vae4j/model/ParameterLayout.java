package dev.vae4j.model;

import dev.vae4j.VaeConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where every parameter lives in the one flat float buffer that holds them all (and, with the same
 * offsets, the gradients and both Adam moments), and the PyTorch-style name of each view.
 *
 * <p>Layers: encoder {@code enc.fc} (or {@code enc.fc1..N} with several hidden layers), the two
 * heads {@code enc.mu} and {@code enc.logvar}, decoder {@code dec.fc} (or {@code dec.fc1..N}) and
 * {@code dec.out}. The heads are laid out as one {@code [2*latent, hidden]} layer — {@code
 * enc.mu.weight} immediately followed by {@code enc.logvar.weight}, then both biases — so a single
 * GEMM computes mu and logvar side by side.
 */
public final class ParameterLayout {
  /** A named view: {@code shape} is {@code [out, in]} for weights, {@code [out]} for biases. */
  public record View(String name, long offset, int[] shape) {
    public long size() {
      long n = 1;
      for (int d : shape) n *= d;
      return n;
    }
  }

  private final List<Linear> encoder = new ArrayList<>();
  private final Linear heads;
  private final List<Linear> decoder = new ArrayList<>();
  private final List<View> views = new ArrayList<>();
  private final long size;

  public ParameterLayout(VaeConfig config) {
    int[] hidden = config.hidden();
    int latent = config.latent();
    long offset = 0;
    int in = config.inputSize();
    for (int i = 0; i < hidden.length; i++) {
      String name = hidden.length == 1 ? "enc.fc" : "enc.fc" + (i + 1);
      Linear layer = new Linear(in, hidden[i], offset, offset + (long) in * hidden[i]);
      offset = addViews(name, layer);
      encoder.add(layer);
      in = hidden[i];
    }
    long muWeight = offset, logvarWeight = muWeight + (long) latent * in;
    long muBias = logvarWeight + (long) latent * in, logvarBias = muBias + latent;
    heads = new Linear(in, 2 * latent, muWeight, muBias);
    views.add(new View("enc.mu.weight", muWeight, new int[] {latent, in}));
    views.add(new View("enc.logvar.weight", logvarWeight, new int[] {latent, in}));
    views.add(new View("enc.mu.bias", muBias, new int[] {latent}));
    views.add(new View("enc.logvar.bias", logvarBias, new int[] {latent}));
    offset = logvarBias + latent;
    in = latent;
    for (int i = hidden.length - 1; i >= 0; i--) {
      String name = hidden.length == 1 ? "dec.fc" : "dec.fc" + (hidden.length - i);
      Linear layer = new Linear(in, hidden[i], offset, offset + (long) in * hidden[i]);
      offset = addViews(name, layer);
      decoder.add(layer);
      in = hidden[i];
    }
    int outputs = config.likelihood().outputsPerValue() * config.inputSize();
    Linear out = new Linear(in, outputs, offset, offset + (long) in * outputs);
    offset = addViews("dec.out", out);
    decoder.add(out);
    size = offset;
  }

  private long addViews(String name, Linear layer) {
    views.add(new View(name + ".weight", layer.weightOffset(), new int[] {layer.out(), layer.in()}));
    views.add(new View(name + ".bias", layer.biasOffset(), new int[] {layer.out()}));
    return layer.biasOffset() + layer.out();
  }

  /** Encoder hidden layers, input side first (each followed by ReLU). */
  public List<Linear> encoder() {
    return Collections.unmodifiableList(encoder);
  }

  /** The mu/logvar heads as one layer of {@code 2 * latent} outputs (no activation). */
  public Linear heads() {
    return heads;
  }

  /** Decoder layers, latent side first: hidden layers with ReLU, then the output layer (logits). */
  public List<Linear> decoder() {
    return Collections.unmodifiableList(decoder);
  }

  /** Every named view, in buffer order of weights and biases as above. */
  public List<View> views() {
    return Collections.unmodifiableList(views);
  }

  /** Total number of parameters. */
  public long size() {
    return size;
  }
}
