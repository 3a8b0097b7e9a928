package dev.vae4j.train;

import dev.vae4j.Vae;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.OptimizerParams;
import dev.vae4j.backend.Tensor;
import dev.vae4j.model.AdamOptimizer;
import dev.vae4j.model.Dropout;
import dev.vae4j.model.IwaeObjective;
import dev.vae4j.model.ParameterLayout;
import dev.vae4j.model.VaeNetwork;
import dev.vae4j.model.Workspace;
import dev.vae4j.model.layer.ParameterView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The buffers of one optimizer step and the step itself as backend calls, shared by {@link Trainer}
 * and {@code bench.Benchmark} so that the benchmark times exactly the step the trainer runs.
 *
 * <p>The batch is split into {@link Backend#batchParts} blocks of rows (one on the GPU, one per
 * core on the CPU). Each part runs its forward and backward pass on its own workspace into its own
 * gradient buffer, all parts at once ({@link Backend#inParallel}); then each part sums the
 * gradients over one range of the parameters, in part order, and runs the optimizer's update on that
 * range ({@link Backend#update}). The noise is drawn for the whole batch, so a row's noise does not
 * depend on the split. With an L1 term each part's range is cut where weights and biases meet, so
 * that each update call knows its L1 coefficient (the weights', or 0 for biases) as one number.
 *
 * <p>With gradient clipping ({@code --clip-grad-norm}) the parts are first summed into the first
 * part's buffer and clipped there as a whole ({@link Backend#gradientSquaredNorm}, {@link
 * Backend#clipGradients}, both on the device), and each range's update reads that one sum. The
 * pre-clipping norms add up in {@link #gradNormSums}, read once per epoch. With dropout each part
 * passes its first batch row to the masks, so a row's mask does not depend on the split either;
 * validation ({@link #evaluate}) runs without it.
 *
 * <p>With class weights ({@code --class-weights}) each part gathers its rows' weights from the
 * resident per-image weights through the same epoch order as the images ({@link
 * Backend#gatherRows} with one column, on the device, so a recorded step gathers them too), and the
 * network scales its rows' losses and gradients by them. Validation stays unweighted.
 *
 * <p>With the importance-weighted bound ({@code --iwae-k K}, K &gt; 1) each part's workspace holds
 * its rows times K (the decoder runs on every draw) and the noise K codes per row, row r's draws
 * after row r - 1's, so a row's draws do not depend on the split either; {@link IwaeObjective}
 * runs the pass, and a third loss sum adds up the rows' losses on the bound. Validation still
 * estimates the ELBO, with one draw per row.
 */
public final class TrainingStep {
  static final int RECON_SUM = 0;
  static final int KL_SUM = 1;
  /** With {@code --iwae-k}: the sum of the rows' losses on the bound, -(log mean of the K weights). */
  static final int IWAE_SUM = 2;
  /** Parameter ranges start at multiples of this many floats (a cache line's worth of AVX-512 lanes). */
  private static final int RANGE_ALIGNMENT = 64;
  private final Backend backend;
  private final VaeNetwork network;
  private final AdamOptimizer optimizer;
  private final Tensor lossSums;
  private final Tensor noise;
  private final int partCapacity;
  private final Part[] parts;
  /** Per part, its range of the parameters: one piece, or pieces of weights or biases alone with L1. */
  private final AdamRange[][] adamRanges;
  /** Drop probability of the hidden layers in {@link #run} (0: no dropout). */
  private final float dropout;
  /** The global norm to clip the gradient to; 0: no clipping. */
  private final double clipGradNorm;
  /** With clipping: the step's squared norm, then the epoch's sum of norms and count of steps; else null. */
  private final Tensor clipScalars;
  /** With clipping, slices of {@link #clipScalars}: [0, 1) and [1, 3); else null. */
  private final Tensor squaredNorm, gradNormSums;

  /** A conditional model's resident labels ({@link #conditionOn}), read through the order as the images are; else null. */
  private IndexTensor labels;

  /**
   * One block of rows: its workspace and the gradient buffer its backward pass writes, its row
   * weights (null without class weights) and the importance-weighted pass's buffers (null when
   * training on the ELBO).
   */
  private record Part(Workspace workspace, Tensor grads, VaeNetwork.LayerGradients gradients, Tensor rowWeights,
      IwaeObjective iwae) {}

  /**
   * One range of the parameters: its slices of the parameters, moments, and every part's gradients,
   * and its L1 coefficient.
   */
  private record AdamRange(Tensor params, Tensor m, Tensor v, Tensor[] grads, double l1) {}

  private TrainingStep(Vae model, int batch, double l1, double clipGradNorm, float dropout, boolean weightedRows,
      int iwaeK) {
    if (iwaeK > 1 && model.config().classes() > 0) {
      throw new IllegalArgumentException("--iwae-k does not combine with --conditional");
    }
    this.dropout = dropout;
    this.backend = model.backend();
    this.clipGradNorm = clipGradNorm;
    this.clipScalars = clipGradNorm == 0 ? null : backend.allocate(3);
    this.squaredNorm = clipScalars == null ? null : backend.slice(clipScalars, 0, 1);
    this.gradNormSums = clipScalars == null ? null : backend.slice(clipScalars, 1, 2);
    this.network = model.network();
    this.optimizer = new AdamOptimizer(backend, model.layout().size());
    this.lossSums = backend.allocate(iwaeK > 1 ? 3 : 2);
    int count = network.partsFor(batch);
    this.partCapacity = (batch + count - 1) / count;
    int latent = network.config().latent();
    this.parts = new Part[count];
    int partDraws = iwaeK > 1 ? IwaeObjective.workspaceRows(partCapacity, iwaeK) : partCapacity;
    this.noise = backend.allocate((long) count * partDraws * latent);
    for (int p = 0; p < count; p++) {
      Tensor eps = backend.slice(noise, (long) p * partDraws * latent, (long) partDraws * latent);
      Tensor grads = p == 0 ? optimizer.grads() : backend.allocate(model.layout().size());
      parts[p] = new Part(network.workspace(partDraws, true, eps), grads, network.new LayerGradients(grads),
          weightedRows ? backend.allocate(partCapacity) : null, iwaeK > 1 ? new IwaeObjective(network, partCapacity, iwaeK) : null);
    }
    this.adamRanges = adamRanges(model.layout(), count, l1);
  }

  /** Buffers for batches of up to {@code batch} rows of {@code model}, trained without L1. */
  public static TrainingStep allocate(Vae model, int batch) {
    return new TrainingStep(model, batch, 0, 0, 0f, false, 1);
  }

  /** Buffers for batches of up to {@code batch} rows of {@code model}, with L1 coefficient {@code l1} on its weights. */
  public static TrainingStep allocate(Vae model, int batch, double l1) {
    return new TrainingStep(model, batch, l1, 0, 0f, false, 1);
  }

  /**
   * Buffers for batches of up to {@code batch} rows of {@code model}, trained with L1 coefficient
   * {@code l1} on its weights and the gradient clipped to global norm {@code clipGradNorm} (0: not).
   */
  public static TrainingStep allocate(Vae model, int batch, double l1, double clipGradNorm) {
    return new TrainingStep(model, batch, l1, clipGradNorm, 0f, false, 1);
  }

  /**
   * As {@link #allocate(Vae, int, double, double)}, with drop probability {@code dropout} on the
   * hidden layers of {@code model} (an MLP if {@code dropout > 0}).
   */
  public static TrainingStep allocate(Vae model, int batch, double l1, double clipGradNorm, float dropout) {
    return new TrainingStep(model, batch, l1, clipGradNorm, dropout, false, 1);
  }

  /**
   * As {@link #allocate(Vae, int, double, double, float)}, with buffers for each part's row weights
   * when {@code weightedRows} ({@code --class-weights}; {@link #run} then takes the per-image weights).
   */
  public static TrainingStep allocate(Vae model, int batch, double l1, double clipGradNorm, float dropout,
      boolean weightedRows) {
    return new TrainingStep(model, batch, l1, clipGradNorm, dropout, weightedRows, 1);
  }

  /**
   * As {@link #allocate(Vae, int, double, double, float, boolean)}, trained on the importance-weighted
   * bound with {@code iwaeK} draws per row when {@code iwaeK > 1} (then without dropout or row weights).
   */
  public static TrainingStep allocate(Vae model, int batch, double l1, double clipGradNorm, float dropout,
      boolean weightedRows, int iwaeK) {
    if (iwaeK > 1 && (weightedRows || dropout > 0)) {
      throw new IllegalArgumentException("--iwae-k does not combine with --class-weights or --dropout");
    }
    return new TrainingStep(model, batch, l1, clipGradNorm, dropout, weightedRows, iwaeK);
  }

  private AdamRange[][] adamRanges(ParameterLayout layout, int count, double l1) {
    long size = layout.size();
    AdamRange[][] ranges = new AdamRange[count][];
    long step = (size + count - 1) / count;
    step = (step + RANGE_ALIGNMENT - 1) / RANGE_ALIGNMENT * RANGE_ALIGNMENT;
    for (int r = 0; r < count; r++) {
      long from = Math.min(size, r * step), to = Math.min(size, from + step);
      if (l1 == 0) {
        ranges[r] = new AdamRange[] {range(from, to, 0)};
        continue;
      }
      List<AdamRange> pieces = new ArrayList<>();
      for (ParameterView view : layout.views()) {
        long a = Math.max(from, view.offset()), b = Math.min(to, view.offset() + view.size());
        if (a < b) pieces.add(range(a, b, view.name().endsWith(".bias") ? 0 : l1));
      }
      ranges[r] = pieces.toArray(AdamRange[]::new);
    }
    return ranges;
  }

  /** Elements [from, to) of the parameters, moments and every part's gradients. */
  private AdamRange range(long from, long to, double l1) {
    long length = to - from;
    Tensor[] grads = new Tensor[parts.length];
    for (int p = 0; p < parts.length; p++) grads[p] = backend.slice(parts[p].grads(), from, length);
    return new AdamRange(backend.slice(network.params(), from, length),
        backend.slice(optimizer.firstMoment(), from, length), backend.slice(optimizer.secondMoment(), from, length),
        grads, l1);
  }

  /**
   * A conditional model's steps read row {@code i}'s class as {@code labels[i]} of the resident
   * images' rows ({@link ResidentLabels}), through the same order as the images.
   */
  public void conditionOn(IndexTensor labels) {
    this.labels = labels;
  }

  /** The running reconstruction and KL sums, in that order. */
  public Tensor lossSums() {
    return lossSums;
  }

  /**
   * With clipping, the epoch's sum of pre-clipping norms and its count of steps (a slice of two
   * floats, zeroed by the caller at an epoch's start); null without clipping.
   */
  Tensor gradNormSums() {
    return gradNormSums;
  }

  /** The optimizer whose state this step updates. */
  public AdamOptimizer optimizer() {
    return optimizer;
  }

  /** Into how many parts a full batch is split. */
  int parts() {
    return parts.length;
  }

  /**
   * Optimizer step {@code step} on {@code rows} images of {@code images}, those at positions
   * [first, first + rows) of {@code order}, with noise stream {@code step} of {@code seed}; adds the
   * batch's loss sums to {@link #lossSums}. Dropout's masks are keyed by (seed, step) too.
   */
  public void run(Tensor images, IndexTensor order, int first, int rows, long seed, long step, float beta, OptimizerParams hyper) {
    run(images, null, order, first, rows, seed, step, beta, hyper);
  }

  /**
   * As {@link #run(Tensor, IndexTensor, int, int, long, long, float, OptimizerParams)}, each row's
   * loss weighted by its image's weight in {@code imageWeights} (one float per image, indexed as
   * {@code images}; null: unweighted, the step allocated without row weights).
   */
  public void run(Tensor images, Tensor imageWeights, IndexTensor order, int first, int rows, long seed, long step,
      float beta, OptimizerParams hyper) {
    if ((imageWeights != null) != (parts[0].rowWeights() != null)) {
      throw new IllegalArgumentException("row weights " + (imageWeights == null ? "missing for a step allocated with them"
          : "given to a step allocated without them"));
    }
    backend.normalNoise(noise, seed, step);
    int active = activeParts(rows);
    backend.inParallel(active, p -> {
      int partRows = rowsOf(p, rows);
      Part part = parts[p];
      Dropout drop = dropout > 0 ? new Dropout(dropout, seed, step, p * partCapacity) : null;
      backend.gatherRows(images, network.config().inputSize(), order, first + p * partCapacity, partRows,
          part.workspace().input());
      if (labels != null) part.workspace().condition(labels, order, first + p * partCapacity);
      if (imageWeights != null) {
        backend.gatherRows(imageWeights, 1, order, first + p * partCapacity, partRows, part.rowWeights());
      }
      if (part.iwae() != null) {
        part.iwae().lossesAndGradients(part.workspace(), partRows, rows, beta, part.gradients());
      } else {
        network.forward(part.workspace(), partRows, drop);
        network.lossesAndGradients(part.workspace(), partRows, rows, beta, part.gradients(), drop, part.rowWeights());
      }
    });
    addLossSums(rows, true);
    int summed = active;
    if (clipGradNorm != 0) {
      clip(active);
      summed = 1;
    }
    int updateParts = summed;
    backend.inParallel(adamRanges.length, r -> {
      for (AdamRange range : adamRanges[r]) {
        if (range.params().length() == 0) continue;
        Tensor[] grads = updateParts == parts.length ? range.grads() : Arrays.copyOf(range.grads(), updateParts);
        backend.update(range.params(), grads, range.m(), range.v(), hyper, range.l1(), step);
      }
    });
  }

  /** Sums the first {@code active} parts' gradients into the first and clips that sum to {@link #clipGradNorm}. */
  private void clip(int active) {
    Tensor[] grads = new Tensor[active];
    for (int p = 0; p < active; p++) grads[p] = parts[p].grads();
    backend.gradientSquaredNorm(grads, squaredNorm);
    backend.clipGradients(grads[0], squaredNorm, clipGradNorm, gradNormSums);
  }

  /** The forward pass and losses alone (validation), with noise stream {@code stream}; adds to {@link #lossSums}. */
  void evaluate(Tensor images, IndexTensor order, int first, int rows, long seed, long stream) {
    backend.normalNoise(noise, seed, stream);
    backend.inParallel(activeParts(rows), p -> {
      int partRows = rowsOf(p, rows);
      Workspace ws = parts[p].workspace();
      forward(ws, images, order, first + p * partCapacity, partRows);
      network.losses(ws, partRows);
    });
    addLossSums(rows, false);
  }

  private void forward(Workspace ws, Tensor images, IndexTensor order, int first, int rows) {
    backend.gatherRows(images, network.config().inputSize(), order, first, rows, ws.input());
    if (labels != null) ws.condition(labels, order, first);
    network.forward(ws, rows);
  }

  private int activeParts(int rows) {
    return Math.min(parts.length, (rows + partCapacity - 1) / partCapacity);
  }

  private int rowsOf(int part, int rows) {
    return Math.min(partCapacity, rows - part * partCapacity);
  }

  /**
   * Each slot gets the parts' sums in part order; after an importance-weighted training pass ({@code
   * trained}) the reconstruction's is of the rows' means over their draws, and the bound's is added.
   */
  private void addLossSums(int rows, boolean trained) {
    for (int p = 0; p < activeParts(rows); p++) {
      IwaeObjective iwae = trained ? parts[p].iwae() : null;
      Workspace ws = parts[p].workspace();
      backend.accumulateSum(iwae != null ? iwae.reconMean() : ws.reconPerRow(), rowsOf(p, rows), lossSums, RECON_SUM);
      backend.accumulateSum(ws.klPerRow(), rowsOf(p, rows), lossSums, KL_SUM);
      if (iwae != null) backend.accumulateSum(iwae.bound(), rowsOf(p, rows), lossSums, IWAE_SUM);
    }
  }

  /** Whether the steps train on the importance-weighted bound (the loss sums then have {@link #IWAE_SUM}). */
  boolean importanceWeighted() {
    return parts[0].iwae() != null;
  }

  /** Frees the buffers (not the model). */
  public void release() {
    backend.release(lossSums);
    if (clipScalars != null) backend.release(clipScalars);
    for (int p = 0; p < parts.length; p++) {
      parts[p].workspace().release(backend);
      if (p > 0) backend.release(parts[p].grads());
      if (parts[p].rowWeights() != null) backend.release(parts[p].rowWeights());
      if (parts[p].iwae() != null) parts[p].iwae().release();
    }
    backend.release(noise);
    optimizer.release();
  }
}
