package dev.vae4j.model;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.Tensor;
import dev.vae4j.model.layer.Layer;
import java.util.List;

/**
 * Every activation buffer one forward (and optionally backward) pass needs for up to {@code
 * capacity} rows, allocated once so that a training step allocates nothing. Passes may use fewer
 * rows than the capacity (the last, partial batch of an epoch).
 */
public final class Workspace {
  final int capacity;
  /** The batch: {@code [capacity, inputSize]}. */
  final Tensor input;
  /** Output of each encoder layer, then of the heads ({@link #stats}). */
  final Tensor[] encoded;
  /** mu and logvar side by side: {@code [capacity, 2 * latent]}, the heads' output. */
  final Tensor stats;
  final Tensor eps;
  final Tensor z;
  /** Output of each decoder layer: hidden layers after their activation, then the logits. */
  final Tensor[] decoded;
  final Tensor reconPerRow;
  final Tensor klPerRow;
  /** Gradient buffers (of each layer's output, the last encoder one being {@link #statsGrad}), null for an inference-only workspace. */
  final Tensor[] encodedGrad;
  final Tensor statsGrad;
  final Tensor zGrad;
  final Tensor[] decodedGrad;
  /**
   * Per encoder and decoder layer, its pre-activation where the layer {@link
   * Layer#keepsPreActivation} (GELU) and the workspace trains, else null: what that layer's
   * backward takes in place of its output.
   */
  final Tensor[] encodedPre;
  final Tensor[] decodedPre;

  /** Whether {@link #eps} was allocated here (else it belongs to the caller). */
  private final boolean ownsEps;

  /** Classes of a conditional model's one-hot (0: a plain VAE, and the three buffers below are null). */
  final int classes;
  /**
   * A conditional model's input of its first dense encoder layer: {@code [capacity, F + classes]},
   * the batch (an MLP's) or the convolutions' features (a conv model's) and the one-hot.
   */
  final Tensor conditionedInput;
  /** Its gradient, for a conv model with gradients (an MLP's first layer needs none); else null. */
  final Tensor conditionedInputGrad;
  /** A conditional model's decoder input: {@code [capacity, latent + classes]}, a latent vector and its one-hot. */
  final Tensor conditionedZ;
  /** The gradient of {@link #conditionedZ}, with gradients; else null. */
  final Tensor conditionedZGrad;
  /** Whose labels the next pass's rows have ({@link #condition}); null until set. */
  private Labels labels;

  /**
   * The labels of a pass's rows: row i's is {@code labels[order[first + i]]}, or {@code
   * labels[first + i]} without an order, as {@link Backend#appendOneHot} reads them.
   */
  record Labels(IndexTensor labels, IndexTensor order, int first) {}

  /**
   * Buffers for {@code encoder} (the encoder's layers then the heads) and {@code decoder}: each
   * layer's output and, with gradients, each layer's output gradient.
   */
  Workspace(Backend backend, List<Layer> encoder, List<Layer> decoder, int inputSize, int classes, int conditionedLayer,
      int capacity, boolean withGradients, Tensor sharedEps) {
    if (capacity <= 0) throw new IllegalArgumentException("batch capacity must be > 0, got " + capacity);
    this.capacity = capacity;
    for (Layer layer : encoder) layer.prepare(backend, capacity);
    for (Layer layer : decoder) layer.prepare(backend, capacity);
    int latent = encoder.get(encoder.size() - 1).outputShape().size() / 2;
    this.classes = classes;
    input = backend.allocate((long) capacity * inputSize);
    encoded = allocateOutputs(backend, encoder, capacity);
    stats = encoded[encoded.length - 1];
    if (sharedEps != null && sharedEps.length() != (long) capacity * latent) {
      throw new IllegalArgumentException("noise tensor has " + sharedEps.length() + " floats, the workspace needs "
          + (long) capacity * latent);
    }
    ownsEps = sharedEps == null;
    eps = ownsEps ? backend.allocate((long) capacity * latent) : sharedEps;
    z = backend.allocate((long) capacity * latent);
    decoded = allocateOutputs(backend, decoder, capacity);
    reconPerRow = backend.allocate(capacity);
    klPerRow = backend.allocate(capacity);
    encodedGrad = withGradients ? allocateOutputs(backend, encoder, capacity) : null;
    statsGrad = withGradients ? encodedGrad[encodedGrad.length - 1] : null;
    zGrad = withGradients ? backend.allocate((long) capacity * latent) : null;
    decodedGrad = withGradients ? allocateOutputs(backend, decoder, capacity) : null;
    encodedPre = allocatePreActivations(backend, encoder, capacity, withGradients);
    decodedPre = allocatePreActivations(backend, decoder, capacity, withGradients);
    long wide = classes == 0 ? 0 : (long) capacity * encoder.get(conditionedLayer).inputShape().size();
    conditionedInput = classes == 0 ? null : backend.allocate(wide);
    conditionedInputGrad = classes == 0 || !withGradients || conditionedLayer == 0 ? null : backend.allocate(wide);
    conditionedZ = classes == 0 ? null : backend.allocate((long) capacity * (latent + classes));
    conditionedZGrad = classes == 0 || !withGradients ? null : backend.allocate((long) capacity * (latent + classes));
  }

  private static Tensor[] allocatePreActivations(Backend backend, List<Layer> layers, int capacity, boolean withGradients) {
    Tensor[] pre = new Tensor[layers.size()];
    for (int i = 0; i < pre.length; i++) {
      if (withGradients && layers.get(i).keepsPreActivation()) {
        pre[i] = backend.allocate((long) capacity * layers.get(i).outputShape().size());
      }
    }
    return pre;
  }

  /**
   * For a conditional model: the next passes' rows are those at positions {@code [first, first +
   * rows)} of {@code order} (the epoch's order, as the batch was gathered), whose labels {@code
   * labels} holds; or, with a null {@code order}, row i's label is {@code labels[first + i]}.
   * Ignored by a plain VAE. It queues no backend work, so a recorded step may call it with a new
   * {@code first} each time, as it passes {@code gatherRows} one.
   */
  public void condition(IndexTensor labels, IndexTensor order, int first) {
    this.labels = new Labels(labels, order, first);
  }

  /** The labels {@link #condition} set; a conditional model's pass without them is an error. */
  Labels labels() {
    if (labels == null) {
      throw new IllegalStateException("a conditional model needs each row's class: no labels were given");
    }
    return labels;
  }

  private static Tensor[] allocateOutputs(Backend backend, List<Layer> layers, int capacity) {
    Tensor[] out = new Tensor[layers.size()];
    for (int i = 0; i < out.length; i++) out[i] = backend.allocate((long) capacity * layers.get(i).outputShape().size());
    return out;
  }

  /** Frees every buffer (backends whose memory the garbage collector does not reclaim need this). */
  public void release(Backend backend) {
    java.util.List<Tensor> all = new java.util.ArrayList<>(java.util.List.of(input, stats, z, reconPerRow, klPerRow));
    if (ownsEps) all.add(eps);
    // In the order of the MLP-only workspace before layers: stats first, then the hidden outputs.
    int hidden = encoded.length - 1;
    all.addAll(java.util.List.of(encoded).subList(0, hidden));
    all.addAll(java.util.List.of(decoded));
    if (statsGrad != null) {
      all.addAll(java.util.List.of(statsGrad, zGrad));
      all.addAll(java.util.List.of(encodedGrad).subList(0, hidden));
      all.addAll(java.util.List.of(decodedGrad));
    }
    for (Tensor[] pre : List.of(encodedPre, decodedPre)) {
      for (Tensor t : pre) if (t != null) all.add(t);
    }
    for (Tensor t : new Tensor[] {conditionedInput, conditionedInputGrad, conditionedZ, conditionedZGrad}) {
      if (t != null) all.add(t);
    }
    for (Tensor t : all) backend.release(t);
  }

  public int capacity() {
    return capacity;
  }

  /** The batch buffer to fill (by upload or gather) before a pass. */
  public Tensor input() {
    return input;
  }

  /** The reparameterization noise of the last pass, {@code [capacity, latent]}. */
  public Tensor eps() {
    return eps;
  }

  /** The encoder's mu and logvar of the last pass, side by side: {@code [capacity, 2 * latent]}. */
  public Tensor stats() {
    return stats;
  }

  /** The latent sample of the last pass, {@code [capacity, latent]}. */
  public Tensor z() {
    return z;
  }

  /** The decoder's logits of the last pass, {@code [capacity, inputSize]}. */
  public Tensor logits() {
    return decoded[decoded.length - 1];
  }

  /** Per-row reconstruction negative log-likelihood of the last loss computation. */
  public Tensor reconPerRow() {
    return reconPerRow;
  }

  /** Per-row KL divergence of the last loss computation. */
  public Tensor klPerRow() {
    return klPerRow;
  }

  /** Gradients of the hidden encoder/decoder outputs and latent (for tests), or null. */
  Tensor statsGrad() {
    return statsGrad;
  }
}
