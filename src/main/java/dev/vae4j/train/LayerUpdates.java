package dev.vae4j.train;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.OptimizerParams;
import dev.vae4j.backend.Tensor;
import dev.vae4j.model.ParameterLayout;
import dev.vae4j.model.VaeNetwork;
import dev.vae4j.model.layer.Layer;
import dev.vae4j.model.layer.ParameterView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The optimizer's update of a step split into a batch's parts, run layer by layer inside the parts'
 * backward passes rather than in a pass over the whole buffer after them ({@link TrainingStep}
 * without clipping, with more than one part). A layer's update may start once every part has
 * finished that layer's backward ({@link VaeNetwork.BackwardListener}): its gradients are then all
 * written, and no part reads its weights again this step. Its range is cut into pieces that any
 * part takes in turn ({@link #drainReady}, after each of its layers and at its end), so that a part
 * updates the output layer, a memory-bound pass, while the other still runs GEMMs, with that
 * layer's gradient still in cache, and the step has one fork and join instead of two.
 *
 * <p>Each piece is one {@link Backend#update} call on slices of the parameters, moments and every
 * part's gradient: the update is elementwise and reads the parts' gradients in part order, so the
 * weights are the same bits however the pieces fall to threads. On a backend that runs the parts in
 * turn on one thread ({@code CpuBackend.confined}) the last part to reach a layer does all of it.
 */
final class LayerUpdates implements VaeNetwork.BackwardListener {
  /**
   * Floats per piece: ~20 pieces for 784-400-20's 653,000 parameters, so that the parts share the
   * last layer's update evenly, while each piece's call (an atomic claim, the shape checks, the
   * mirror write-through) stays below a microsecond against ~25 us of update.
   */
  static final int PIECE = 32_768;

  /** Slices of one piece: parameters, moments, each part's gradients, and its L1 coefficient. */
  private record Piece(Tensor params, Tensor m, Tensor v, Tensor[] grads, double l1) {}

  /** One layer's pieces, how many parts have finished its backward this step, and the next piece to take. */
  private static final class LayerWork {
    final Piece[] pieces;
    final AtomicInteger arrived = new AtomicInteger();
    final AtomicInteger next = new AtomicInteger();

    LayerWork(Piece[] pieces) {
      this.pieces = pieces;
    }
  }

  private final Backend backend;
  /** The layers with parameters, in the order backward passes finish them (output layer first). */
  private final LayerWork[] layers;
  private final Map<Layer, LayerWork> byLayer = new IdentityHashMap<>();
  private final int parts;
  // Set by begin on the step's thread before the parts start (Backend.inParallel's hand-off publishes them).
  private int active;
  private OptimizerParams hyper;
  private long step;

  /**
   * Pieces of every layer of {@code layout} over {@code params}, the moments {@code m} and {@code v}
   * and the parts' gradient buffers {@code grads}; with {@code l1 != 0} cut where weights and biases
   * meet, biases getting l1 = 0.
   */
  LayerUpdates(Backend backend, ParameterLayout layout, Tensor params, Tensor m, Tensor v, Tensor[] grads, double l1) {
    this.backend = backend;
    this.parts = grads.length;
    List<Layer> backwardOrder = new ArrayList<>(layout.decoder());
    Collections.reverse(backwardOrder);
    List<Layer> encoder = new ArrayList<>(layout.encoder());
    encoder.add(layout.heads());
    Collections.reverse(encoder);
    backwardOrder.addAll(encoder);
    List<LayerWork> work = new ArrayList<>();
    for (Layer layer : backwardOrder) {
      if (layer.parameterCount() == 0) continue;
      List<Piece> pieces = new ArrayList<>();
      if (l1 == 0) {
        cut(layer.offset(), layer.offset() + layer.parameterCount(), 0, params, m, v, grads, pieces);
      } else {
        for (ParameterView view : layer.views()) {
          cut(view.offset(), view.offset() + view.size(), view.name().endsWith(".bias") ? 0 : l1, params, m, v, grads,
              pieces);
        }
      }
      LayerWork w = new LayerWork(pieces.toArray(Piece[]::new));
      work.add(w);
      byLayer.put(layer, w);
    }
    this.layers = work.toArray(LayerWork[]::new);
  }

  /** [from, to) in pieces that end at multiples of {@link #PIECE}. */
  private void cut(long from, long to, double l1, Tensor params, Tensor m, Tensor v, Tensor[] grads, List<Piece> out) {
    for (long a = from; a < to; ) {
      long b = Math.min(to, (a / PIECE + 1) * PIECE);
      Tensor[] g = new Tensor[grads.length];
      for (int p = 0; p < grads.length; p++) g[p] = backend.slice(grads[p], a, b - a);
      out.add(new Piece(backend.slice(params, a, b - a), backend.slice(m, a, b - a), backend.slice(v, a, b - a), g, l1));
      a = b;
    }
  }

  /** Before a step's parts start: {@code active} parts will each finish every layer, then update with {@code hyper}. */
  void begin(int active, OptimizerParams hyper, long step) {
    this.active = active;
    this.hyper = hyper;
    this.step = step;
    for (LayerWork w : layers) {
      w.arrived.set(0);
      w.next.set(0);
    }
  }

  /** A part finished {@code layer}'s backward: counts it, then takes pieces of every layer all parts have finished. */
  @Override
  public void finished(Layer layer) {
    LayerWork w = byLayer.get(layer);
    if (w != null) w.arrived.incrementAndGet();
    drainReady();
  }

  /**
   * Takes and runs pieces of every layer that all active parts have finished until none is left;
   * each part calls it at its end too. The last part to finish a layer takes its pieces at once,
   * so every piece has run before the parts join.
   */
  void drainReady() {
    for (LayerWork w : layers) {
      if (w.arrived.get() == active) drain(w);
    }
  }

  /**
   * After the parts joined: runs what is left, which is nothing when every active part finished
   * every layer (a backward pass that skips a layer's listener call still gets the layer updated).
   */
  void finish() {
    for (LayerWork w : layers) drain(w);
  }

  private void drain(LayerWork w) {
    for (int i; (i = w.next.getAndIncrement()) < w.pieces.length; ) {
      Piece piece = w.pieces[i];
      Tensor[] grads = active == parts ? piece.grads() : Arrays.copyOf(piece.grads(), active);
      backend.update(piece.params(), grads, piece.m(), piece.v(), hyper, piece.l1(), step);
    }
  }
}
