package dev.vae4j.model;

import dev.vae4j.model.layer.GemmShape;
import dev.vae4j.model.layer.Layer;
import java.util.ArrayList;
import java.util.List;

/** The GEMMs {@link VaeNetwork} issues for a model, in order, from each layer's own list. */
public final class StepGemms {
  private StepGemms() {}

  /**
   * Every GEMM of one training step on {@code batch} rows, in the order {@link VaeNetwork} issues
   * them: each layer's forward {@code x W^T}; then, output layer first, its weight gradient {@code
   * dy^T x} and (except for the first encoder layer) its input gradient {@code dy W}.
   */
  public static List<GemmShape> trainingStep(ParameterLayout layout, int batch) {
    List<Named> layers = layers(layout);
    List<GemmShape> out = new ArrayList<>();
    for (Named l : layers) out.addAll(l.layer().forwardGemms(l.name(), batch));
    // Backward runs the decoder from its output, then the heads, then the encoder from its top.
    List<Named> backward = new ArrayList<>();
    int encoders = layout.encoder().size();
    for (int i = layers.size() - 1; i >= encoders + 1; i--) backward.add(layers.get(i));
    for (int i = encoders; i >= 0; i--) backward.add(layers.get(i));
    for (Named l : backward) out.addAll(l.layer().backwardGemms(l.name(), batch, !l.first()));
    return out;
  }

  /** The forward GEMMs only: one inference pass (encode and decode) on {@code batch} rows. */
  public static List<GemmShape> inference(ParameterLayout layout, int batch) {
    return trainingStep(layout, batch).stream().filter(g -> g.role().endsWith("forward")).toList();
  }

  private record Named(String name, Layer layer, boolean first) {}

  private static List<Named> layers(ParameterLayout layout) {
    List<Named> all = new ArrayList<>();
    List<Layer> enc = layout.encoder(), dec = layout.decoder();
    for (int i = 0; i < enc.size(); i++) all.add(new Named("enc" + (i + 1), enc.get(i), i == 0));
    all.add(new Named("heads", layout.heads(), false));
    for (int i = 0; i < dec.size(); i++) {
      all.add(new Named(i == dec.size() - 1 ? "dec.out" : "dec" + (i + 1), dec.get(i), false));
    }
    return all;
  }
}
