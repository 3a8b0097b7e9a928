package dev.vae4j.train;

import dev.vae4j.Vae;
import dev.vae4j.backend.Activation;
import dev.vae4j.backend.ActivationFunction;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.StackModels;
import dev.vae4j.backend.StackTable;
import dev.vae4j.backend.Tensor;
import dev.vae4j.model.ParameterLayout;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.layer.Layer;
import dev.vae4j.model.layer.Linear;
import java.util.ArrayList;
import java.util.List;

/**
 * One optimizer step of M models of one MLP shape trained together ("many models at once", issue
 * 18): their parameters, Adam moments and activations side by side in one buffer each, every op
 * one {@link dev.vae4j.backend.StackedOps} call (on the GPU one strided-batched GEMM per layer GEMM
 * and one launch per elementwise op, for all M), so that each model trains exactly as a {@link
 * TrainingStep} trains it alone: its own data order, noise stream (seed), KL weight beta and Adam
 * settings ({@link StackModels}). The CPU backend's stacked ops are the single ops in a loop, so
 * there the result is bit for bit that of M single steps of one batch part each ({@code
 * StackedTrainingStepTest}); the CUDA backend's agree to float rounding.
 *
 * <p>Layouts: each model's flat parameters (and gradients, moments) start {@link #stride()} floats
 * after the previous model's, the stride padded to 64 floats so that every model's layers keep one
 * alignment; activations are row stacks, model i's {@code rows} rows at rows {@code [i * rows, (i +
 * 1) * rows)}, so the row-wise ops (gather, reparameterization, reconstruction loss) run once over
 * {@code M * rows} rows. The data order is {@link #interleave}d so that one {@code gatherRows} takes
 * every model's batch.
 *
 * <p>{@link #run} may be recorded ({@link Backend#recordStep}, a CUDA graph on the GPU) with
 * {@code first} and {@code step} affine in the replay. A narrow slice: MLPs, Bernoulli or Gaussian
 * likelihoods and Adam (AdamW) only, one batch part (no split across cores), no dropout, L1 or
 * clipping; anything else is refused as the step is made. {@link StackedTrainer} runs whole
 * trainings of stacks with it, as {@link Trainer} runs one model's with a {@link TrainingStep}.
 */
public final class StackedTrainingStep {
  /** Model strides are multiples of this many floats. */
  private static final int STRIDE_ALIGNMENT = 64;
  private final Backend backend;
  private final VaeConfig config;
  private final int models;
  private final int capacity;
  private final long size;
  private final long stride;
  /** The encoder's layers then the heads, and the decoder's, with their activations and gradients. */
  private final List<StackedLayer> encoder, decoder;
  private final Tensor params, grads, m, v;
  private final Tensor input, noise, z, zGrad, reconPerRow, klPerRow, lossSums;
  private StackTable table;

  /** A dense layer's place in a model's parameters and its row-stacked output and output gradient. */
  private record StackedLayer(Linear linear, Tensor weights, Tensor biases, Tensor weightGrads, Tensor biasGrads,
      Tensor output, Tensor outputGrad) {}

  private StackedTrainingStep(List<Vae> stack, int batch, StackModels constants) {
    if (stack.isEmpty()) throw new IllegalArgumentException("a stack needs at least one model");
    Vae first = stack.get(0);
    this.backend = first.backend();
    this.config = first.config();
    this.models = stack.size();
    if (constants.count() != models) {
      throw new IllegalArgumentException(models + " models, " + constants.count() + " models' settings");
    }
    if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    for (Vae model : stack) {
      if (model.backend() != backend || !model.config().equals(config)) {
        throw new IllegalArgumentException("stacked models must share one backend and one configuration");
      }
    }
    ParameterLayout layout = first.layout();
    requireSupported(config);
    this.capacity = batch;
    this.size = layout.size();
    this.stride = (size + STRIDE_ALIGNMENT - 1) / STRIDE_ALIGNMENT * STRIDE_ALIGNMENT;
    this.params = backend.allocate(models * stride);
    this.grads = backend.allocate(models * stride);
    this.m = backend.allocate(models * stride);
    this.v = backend.allocate(models * stride);
    for (int i = 0; i < models; i++) {
      float[] p = stack.get(i).parameters();
      backend.upload(p, 0, params, i * stride, p.length);
    }
    int latent = config.latent();
    long rows = (long) models * capacity;
    this.input = backend.allocate(rows * config.inputSize());
    this.noise = backend.allocate(rows * latent);
    this.z = backend.allocate(rows * latent);
    this.zGrad = backend.allocate(rows * latent);
    this.reconPerRow = backend.allocate(rows);
    this.klPerRow = backend.allocate(rows);
    this.lossSums = backend.allocate(2L * models);
    List<Layer> encoderLayers = new ArrayList<>(layout.encoder());
    encoderLayers.add(layout.heads());
    this.encoder = bind(encoderLayers);
    this.decoder = bind(layout.decoder());
    this.table = backend.uploadStack(constants);
  }

  /**
   * Buffers for batches of up to {@code batch} rows of every model of {@code stack} (one backend,
   * one configuration), trained with {@code constants}; the models' current parameters are copied
   * in, and fresh Adam moments start at zero.
   *
   * @throws IllegalArgumentException for a model that is not an MLP with a Bernoulli or Gaussian
   *     likelihood, or mismatched models
   */
  public static StackedTrainingStep allocate(List<Vae> stack, int batch, StackModels constants) {
    return new StackedTrainingStep(stack, batch, constants);
  }

  private static void requireSupported(VaeConfig config) {
    String reason = unsupported(config);
    if (reason != null) throw new IllegalArgumentException(reason);
  }

  /**
   * Why a model of {@code config} cannot be trained in a stack (one line), or null when it can:
   * what {@link #allocate} refuses, so that a caller can tell before allocating anything.
   */
  static String unsupported(VaeConfig config) {
    ParameterLayout layout = new ParameterLayout(config);
    boolean mlp = layout.encoder().stream().allMatch(l -> l instanceof Linear)
        && layout.decoder().stream().allMatch(l -> l instanceof Linear);
    Likelihood likelihood = config.likelihood();
    if (!mlp || (likelihood != Likelihood.BERNOULLI && likelihood != Likelihood.GAUSSIAN)) {
      return "stacked training takes MLP models with bernoulli or gaussian likelihoods"
          + " and Adam, not " + (mlp ? "the " + likelihood.cliName() + " likelihood" : "convolutional layers");
    }
    if (config.classes() > 0) {
      return "stacked training takes plain VAEs, not conditional ones (--conditional)";
    }
    // The stacked kernels take the default leaky slope and keep no pre-activation (GELU's backward needs one).
    for (Layer layer : allLayers(layout)) {
      ActivationFunction f = ((Linear) layer).function();
      if (f.kind() == Activation.GELU || !f.isDefaultSlope()) {
        return "stacked training takes relu, elu, tanh or leaky-relu at its default slope, "
            + "not " + f.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
            + (f.kind() == Activation.LEAKY_RELU ? ":" + f.slope() : "");
      }
    }
    return null;
  }

  private static List<Layer> allLayers(ParameterLayout layout) {
    List<Layer> all = new ArrayList<>(layout.encoder());
    all.add(layout.heads());
    all.addAll(layout.decoder());
    return all;
  }

  private List<StackedLayer> bind(List<Layer> layers) {
    List<StackedLayer> out = new ArrayList<>();
    long rows = (long) models * capacity;
    for (Layer layer : layers) {
      Linear l = (Linear) layer;
      long weights = (models - 1) * stride + l.weightSize(), biases = (models - 1) * stride + l.out();
      out.add(new StackedLayer(l, backend.slice(params, l.weightOffset(), weights),
          backend.slice(params, l.biasOffset(), biases), backend.slice(grads, l.weightOffset(), weights),
          backend.slice(grads, l.biasOffset(), biases), backend.allocate(rows * l.out()),
          backend.allocate(rows * l.out())));
    }
    return out;
  }

  /**
   * One data order for all the models: {@code orders[i]} is model i's order of its epoch (all of
   * one length N), laid out so that the batch at positions {@code [first, first + rows)} of every
   * model's order, {@code rows = min(batch, N - first)} for {@code first} a multiple of {@code
   * batch}, is the row stack at positions {@code [M * first, M * (first + rows))}.
   */
  public static int[] interleave(int[][] orders, int batch) {
    int count = orders.length, n = orders[0].length;
    int[] out = new int[count * n];
    for (int first = 0; first < n; first += batch) {
      int rows = Math.min(batch, n - first);
      for (int i = 0; i < count; i++) {
        if (orders[i].length != n) throw new IllegalArgumentException("orders of differing lengths");
        System.arraycopy(orders[i], first, out, count * first + i * rows, rows);
      }
    }
    return out;
  }

  /** Replaces the models' settings (a new learning rate, say); not inside a recorded step. */
  public void setModels(StackModels constants) {
    if (constants.count() != models) throw new IllegalArgumentException(models + " models, " + constants.count() + " settings");
    backend.releaseStack(table);
    table = backend.uploadStack(constants);
  }

  /**
   * Optimizer step {@code step} (1-based) of every model on its batch: positions {@code [first,
   * first + rows)} of its order, read from {@code order} as {@link #interleave} lays it out; model
   * i's noise is stream {@code step} of its seed. Adds model i's loss sums to {@link #lossSums}'s
   * slots 2i (reconstruction) and 2i + 1 (KL).
   */
  public void run(Tensor images, IndexTensor order, int first, int rows, long step) {
    forward(images, order, first, rows, step);
    int latent = config.latent(), d = config.inputSize(), stacked = models * rows;
    Tensor stats = encoder.get(encoder.size() - 1).output();
    float perRow = 1f / rows;
    StackedLayer heads = encoder.get(encoder.size() - 1), logits = decoder.get(decoder.size() - 1);
    backend.reconstructionLoss(config.likelihood(), logits.output(), input, stacked, d, reconPerRow,
        logits.outputGrad(), perRow);
    backend.stackedKlDivergence(table, stats, rows, latent, klPerRow, heads.outputGrad(), perRow);
    for (int i = decoder.size() - 1; i >= 0; i--) {
      backward(decoder.get(i), i == 0 ? z : decoder.get(i - 1).output(), i == 0 ? zGrad : decoder.get(i - 1).outputGrad(),
          rows);
    }
    backend.reparameterizeBackward(zGrad, stats, noise, heads.outputGrad(), stacked, latent);
    for (int i = encoder.size() - 1; i >= 0; i--) {
      backward(encoder.get(i), i == 0 ? input : encoder.get(i - 1).output(),
          i == 0 ? null : encoder.get(i - 1).outputGrad(), rows);
    }
    backend.stackedLossSums(models, reconPerRow, klPerRow, rows, lossSums);
    backend.stackedAdamUpdate(table, params, grads, m, v, stride, size, step);
  }

  /**
   * The forward pass and losses alone (validation, as {@code TrainingStep.evaluate}): every model's
   * rows at positions {@code [first, first + rows)} of its order, noise stream {@code stream} of its
   * seed; adds to {@link #lossSums}.
   */
  public void evaluate(Tensor images, IndexTensor order, int first, int rows, long stream) {
    forward(images, order, first, rows, stream);
    int stacked = models * rows;
    backend.reconstructionLoss(config.likelihood(), decoder.get(decoder.size() - 1).output(), input, stacked,
        config.inputSize(), reconPerRow, null, 0f);
    backend.stackedKlDivergence(table, encoder.get(encoder.size() - 1).output(), rows, config.latent(), klPerRow, null,
        0f);
    backend.stackedLossSums(models, reconPerRow, klPerRow, rows, lossSums);
  }

  /** Noise, the batch and every layer's output, for every model. */
  private void forward(Tensor images, IndexTensor order, int first, int rows, long stream) {
    if (rows < 1 || rows > capacity) throw new IllegalArgumentException("rows " + rows + " not in [1, " + capacity + "]");
    int latent = config.latent(), stacked = models * rows;
    backend.stackedNormalNoise(table, noise, (long) rows * latent, stream);
    backend.gatherRows(images, config.inputSize(), order, models * first, stacked, input);
    Tensor x = input;
    for (StackedLayer layer : encoder) x = forward(layer, x, rows);
    backend.reparameterize(x, noise, z, stacked, latent);
    x = z;
    for (StackedLayer layer : decoder) x = forward(layer, x, rows);
  }

  /** {@code y = act(x W^T + b)} for every model: {@code DenseOps.linearForward}'s two ops, stacked. */
  private Tensor forward(StackedLayer layer, Tensor x, int rows) {
    Linear l = layer.linear();
    backend.stackedGemm(models, false, true, rows, l.out(), l.in(), 1f, x, (long) rows * l.in(), layer.weights(), stride,
        0f, layer.output(), (long) rows * l.out());
    backend.stackedBiasActivation(models, layer.output(), layer.biases(), stride, rows, l.out(), l.activation());
    return layer.output();
  }

  /** {@code DenseOps.linearBackward}'s three ops, stacked; no input gradient where {@code dx} is null. */
  private void backward(StackedLayer layer, Tensor x, Tensor dx, int rows) {
    Linear l = layer.linear();
    long dyStride = (long) rows * l.out(), xStride = (long) rows * l.in();
    backend.stackedActivationBackward(models, layer.outputGrad(), layer.output(), layer.biasGrads(), stride, rows,
        l.out(), l.activation());
    backend.stackedGemm(models, true, false, l.out(), l.in(), rows, 1f, layer.outputGrad(), dyStride, x, xStride, 0f,
        layer.weightGrads(), stride);
    if (dx != null) {
      backend.stackedGemm(models, false, false, rows, l.in(), l.out(), 1f, layer.outputGrad(), dyStride, layer.weights(),
          stride, 0f, dx, xStride);
    }
  }

  /** The models' running loss sums: model i's reconstruction sum at 2i, its KL sum at 2i + 1. */
  public Tensor lossSums() {
    return lossSums;
  }

  /** How many models. */
  public int models() {
    return models;
  }

  /** Floats from one model's parameters to the next's. */
  public long stride() {
    return stride;
  }

  /** Model {@code model}'s parameters, as {@link Vae#parameters()} lays them out. */
  public float[] parameters(int model) {
    return download(params, model);
  }

  /**
   * Puts model {@code model}'s parameters and both Adam moments to {@code params}, {@code m} and
   * {@code v} (a resumed run's, or a stack rebuilt without the models that left it); not inside a
   * recorded step. Adam's step count is no state of the stack: every {@link #run} is given it.
   */
  public void restore(int model, float[] params, float[] m, float[] v) {
    if (model < 0 || model >= models) throw new IllegalArgumentException("model " + model + " of " + models);
    if (params.length != size || m.length != size || v.length != size) {
      throw new IllegalArgumentException("a model has " + size + " parameters, got " + params.length + ", "
          + m.length + " and " + v.length);
    }
    backend.upload(params, 0, this.params, model * stride, params.length);
    backend.upload(m, 0, this.m, model * stride, m.length);
    backend.upload(v, 0, this.v, model * stride, v.length);
  }

  /** Model {@code model}'s Adam first moment, laid out as its parameters. */
  public float[] firstMoment(int model) {
    return download(m, model);
  }

  /** Model {@code model}'s Adam second moment, laid out as its parameters. */
  public float[] secondMoment(int model) {
    return download(v, model);
  }

  private float[] download(Tensor stacked, int model) {
    float[] out = new float[Math.toIntExact(size)];
    backend.download(stacked, model * stride, out, 0, out.length);
    return out;
  }

  /** Frees the buffers (not the models). */
  public void release() {
    backend.releaseStack(table);
    for (List<StackedLayer> layers : List.of(encoder, decoder)) {
      for (StackedLayer layer : layers) {
        backend.release(layer.output());
        backend.release(layer.outputGrad());
      }
    }
    for (Tensor t : new Tensor[] {params, grads, m, v, input, noise, z, zGrad, reconPerRow, klPerRow, lossSums}) {
      backend.release(t);
    }
  }
}
