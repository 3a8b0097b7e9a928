package dev.vae4j.model;

import dev.vae4j.backend.Backend;
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

  /**
   * Buffers for {@code encoder} (the encoder's layers then the heads) and {@code decoder}: each
   * layer's output and, with gradients, each layer's output gradient.
   */
  Workspace(Backend backend, List<Layer> encoder, List<Layer> decoder, int capacity, boolean withGradients,
      Tensor sharedEps) {
    if (capacity <= 0) throw new IllegalArgumentException("batch capacity must be > 0, got " + capacity);
    this.capacity = capacity;
    for (Layer layer : encoder) layer.prepare(backend, capacity);
    for (Layer layer : decoder) layer.prepare(backend, capacity);
    int latent = encoder.get(encoder.size() - 1).outputShape().size() / 2;
    input = backend.allocate((long) capacity * encoder.get(0).inputShape().size());
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
