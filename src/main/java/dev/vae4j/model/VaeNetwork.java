package dev.vae4j.model;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Tensor;
import dev.vae4j.model.layer.Layer;
import dev.vae4j.model.layer.Linear;
import java.util.ArrayList;
import java.util.List;

/**
 * The VAE's forward and hand-derived backward pass, expressed only as {@link Backend} calls over
 * one flat parameter buffer. Per row: the encoder's layers and the heads {@code x -> ... -> [mu,
 * logvar]}, {@code z = mu + exp(logvar/2) * eps}, the decoder's layers {@code z -> ... -> logits};
 * loss = reconstruction NLL + beta * KL(q(z|x) || N(0, I)), both summed over their dimensions,
 * averaged over the batch. Each layer's passes are its own ({@link Layer#forward}, {@link
 * Layer#backward}); this class chains them through the {@link Workspace}, around the latent step
 * between encoder and decoder.
 *
 * <p>A training step may add inverted {@link Dropout} to the outputs of the hidden Linear layers of
 * an MLP (every encoder layer before the heads, every decoder layer before the output), after their
 * activation; evaluation never does.
 *
 * <p>A conditional model ({@link VaeConfig#conditioning}) reads each row's class as a one-hot
 * beside its first dense encoder layer's input (an MLP's image, a conv model's flattened features)
 * and beside the latent vector the decoder reads ({@link
 * Backend#appendOneHot}, labels from {@link Workspace#condition}); the decoder's input gradient
 * gives z's as its first L columns ({@link Backend#appendOneHotBackward}).
 */
public final class VaeNetwork {
  /**
   * Parts (of a training batch, of an inference pass) get at least this many rows: below it GEMM
   * efficiency falls, and every part re-reads all the weights. Batch 128 on 2 cores (the only
   * machine measured) gets 2 parts; a many-core machine gets at most rows / 64 parts, not one per
   * core.
   */
  public static final int MIN_ROWS_PER_PART = 64;

  /** A pass over rows [first, first + n) of a pass of {@code rows} rows. */
  private interface RowPass {
    void run(int first, int n);
  }

  private final Backend backend;
  private final VaeConfig config;
  private final ParameterLayout layout;
  private final Tensor params;
  /** The encoder's layers, then the heads (whose output is mu and logvar). */
  private final List<Layer> encoder;
  private final List<Layer> decoder;
  /** Each layer's parameter tensors ({@link Layer#bind} on {@link #params}), in the lists' order. */
  private final Tensor[][] encoderParams;
  private final Tensor[][] decoderParams;
  /** The encoder layer that reads a conditional model's one-hot beside its input ({@link ParameterLayout#conditionedLayer}). */
  private final int conditionedLayer;

  /** Binds the network to {@code params}, a flat buffer of {@code layout.size()} parameters. */
  public VaeNetwork(Backend backend, VaeConfig config, ParameterLayout layout, Tensor params) {
    if (params.length() != layout.size()) {
      throw new IllegalArgumentException("parameter buffer has " + params.length() + " floats, model needs " + layout.size());
    }
    this.backend = backend;
    this.config = config;
    this.layout = layout;
    this.params = params;
    List<Layer> enc = new ArrayList<>(layout.encoder());
    enc.add(layout.heads());
    this.encoder = List.copyOf(enc);
    this.decoder = layout.decoder();
    this.encoderParams = bind(encoder, params);
    this.decoderParams = bind(decoder, params);
    this.conditionedLayer = ParameterLayout.conditionedLayer(config);
  }

  private Tensor[][] bind(List<Layer> layers, Tensor buffer) {
    Tensor[][] out = new Tensor[layers.size()][];
    for (int i = 0; i < out.length; i++) out[i] = layers.get(i).bind(backend, buffer);
    return out;
  }

  public VaeConfig config() {
    return config;
  }

  public ParameterLayout layout() {
    return layout;
  }

  public Tensor params() {
    return params;
  }

  public Backend backend() {
    return backend;
  }

  /**
   * Activations one inference workspace may hold, in floats (128 MB): a 784-400 MLP (~2,500 floats
   * a row) fits 13,000 rows, a conv model (~20,000 floats an image for 28x28 at 32,64 channels)
   * 1,600, with oneDNN's reorder buffers of the same order beside them. Off-heap memory counts
   * against JavaCPP's limit, the heap's maximum by default.
   */
  static final long INFERENCE_FLOATS = 1L << 25;

  /**
   * The most rows, up to {@code wanted} and at least {@code atLeast}, whose inference workspace
   * keeps within {@link #INFERENCE_FLOATS}: the size of an evaluation's chunks.
   */
  public int inferenceRows(int wanted, int atLeast) {
    long perRow = encoder.get(0).inputShape().size() + 3L * config.latent() + 2;
    for (Layer layer : encoder) perRow += layer.outputShape().size();
    for (Layer layer : decoder) perRow += layer.outputShape().size();
    if (config.classes() > 0) perRow += config.inputSize() + config.latent() + 2L * config.classes(); // the one-hot inputs
    return (int) Math.max(atLeast, Math.min(wanted, INFERENCE_FLOATS / perRow));
  }

  /** A workspace for passes of up to {@code capacity} rows; gradients only if it will train. */
  public Workspace workspace(int capacity, boolean withGradients) {
    return new Workspace(backend, encoder, decoder, config.inputSize(), config.classes(), conditionedLayer, capacity,
        withGradients, null);
  }

  /**
   * As {@link #workspace(int, boolean)}, reading the reparameterization noise from {@code eps}
   * ({@code capacity x latent} floats, typically one part's slice of a batch's noise), which the
   * workspace neither fills nor releases.
   */
  public Workspace workspace(int capacity, boolean withGradients, Tensor eps) {
    return new Workspace(backend, encoder, decoder, config.inputSize(), config.classes(), conditionedLayer, capacity,
        withGradients, eps);
  }

  /** Encoder: {@code ws.input -> ws.stats} (mu, logvar) for the first {@code rows} rows. */
  public void encode(Workspace ws, int rows) {
    encodeRows(ws, 0, rows, rows, null);
  }

  /** {@code ws.z = mu + exp(logvar/2) * ws.eps}; the caller fills {@code ws.eps} first. */
  public void sampleLatent(Workspace ws, int rows) {
    backend.reparameterize(ws.stats, ws.eps, ws.z, rows, config.latent());
  }

  /** Decoder: {@code ws.z -> ws.logits()} for the first {@code rows} rows. */
  public void decode(Workspace ws, int rows) {
    decodeFrom(ws, ws.z, rows);
  }

  /** Decoder from any latent tensor {@code [rows, latent]} into {@code ws.logits()}. */
  public void decodeFrom(Workspace ws, Tensor z, int rows) {
    decodeRows(ws, z, 0, rows, rows, null);
  }

  /** Full forward pass with the noise already in {@code ws.eps}. */
  public void forward(Workspace ws, int rows) {
    forward(ws, rows, null);
  }

  /**
   * As {@link #forward(Workspace, int)}, with {@code dropout} on the dense hidden layers (none if
   * null): an MLP's, or a convolutional model's (not its convolutions).
   */
  public void forward(Workspace ws, int rows, Dropout dropout) {
    if (dropout != null) requireDropoutGradients();
    encodeRows(ws, 0, rows, rows, dropout);
    sampleLatent(ws, rows);
    decodeRows(ws, ws.z, 0, rows, rows, dropout);
  }

  private void requireDropoutGradients() {
    for (List<Layer> layers : List.of(encoder, decoder)) {
      for (Layer layer : layers) {
        if (layer instanceof Linear l && !dropoutKeepsGradients(l.activation())) {
          throw new IllegalArgumentException("--dropout does not work with " + l.activation() + " layers");
        }
      }
    }
  }

  /**
   * Whether a layer of activation {@code act} still gets its gradient right under dropout, whose
   * backward hands the layer's backward the dropped (scaled) output: yes where the derivative needs
   * only the output's sign (ReLU, leaky ReLU) or nothing (identity), or reads the kept
   * pre-activation (GELU); not for ELU and tanh, whose derivatives read the output's value.
   */
  public static boolean dropoutKeepsGradients(Activation act) {
    return act != Activation.ELU && act != Activation.TANH;
  }

  /**
   * Whether dropout follows layer {@code index} of {@code layers} (the encoder's or the decoder's):
   * a dense layer but the last (the heads, the output layer). Every hidden layer of an MLP; a
   * convolutional model's dense layers, up to the decoder's reshape, not its convolutions.
   */
  private static boolean dropsOutput(List<Layer> layers, int index) {
    return index < layers.size() - 1 && layers.get(index) instanceof Linear;
  }

  /**
   * Dropout's layer number (a part of its mask's key) for hidden layer {@code index} of the decoder
   * ({@code decoder}) or the encoder: the encoder's from 0, then the decoder's.
   */
  private int dropoutLayer(boolean decoder, int index) {
    return decoder ? encoder.size() - 1 + index : index;
  }

  /**
   * As {@link #encode}, for inference over many rows: the rows are split into up to {@link
   * Backend#batchParts} blocks of at least {@link #MIN_ROWS_PER_PART}, encoded concurrently by
   * {@link Backend#inParallel}, as a training step splits its batch ({@code eval} ran about 7%
   * faster so on two cores; docs/benchmarks.md). Each row's result may differ from
   * {@link #encode}'s in the last bits, since the GEMMs see other row counts.
   */
  public void encodeInParts(Workspace ws, int rows) {
    inRowParts(rows, (first, n) -> encodeRows(ws, first, n, rows, null));
  }

  /** As {@link #decodeFrom}, in parts as {@link #encodeInParts}. */
  public void decodeFromInParts(Workspace ws, Tensor z, int rows) {
    inRowParts(rows, (first, n) -> decodeRows(ws, z, first, n, rows, null));
  }

  /** As {@link #forward}, in parts as {@link #encodeInParts}. */
  public void forwardInParts(Workspace ws, int rows) {
    int latent = config.latent();
    inRowParts(rows, (first, n) -> {
      encodeRows(ws, first, n, rows, null);
      backend.reparameterize(rowsOf(ws.stats, first, n, 2 * latent, rows), rowsOf(ws.eps, first, n, latent, rows),
          rowsOf(ws.z, first, n, latent, rows), n, latent);
      decodeRows(ws, ws.z, first, n, rows, null);
    });
  }

  /**
   * Into how many parts a pass (or training batch) of {@code rows} rows splits: up to {@link
   * Backend#batchParts}, each of at least {@link #MIN_ROWS_PER_PART} rows, and at least one.
   */
  public int partsFor(int rows) {
    return Math.max(1, Math.min(backend.batchParts(), rows / MIN_ROWS_PER_PART));
  }

  private void inRowParts(int rows, RowPass pass) {
    int parts = partsFor(rows);
    if (parts == 1) {
      pass.run(0, rows);
      return;
    }
    backend.inParallel(parts, p -> {
      int first = (int) ((long) rows * p / parts), next = (int) ((long) rows * (p + 1) / parts);
      pass.run(first, next - first);
    });
  }

  private void encodeRows(Workspace ws, int first, int n, int rows, Dropout dropout) {
    Tensor x = rowsOf(ws.input, first, n, config.inputSize(), rows);
    for (int i = 0; i < encoder.size(); i++) {
      Layer layer = encoder.get(i);
      if (i == conditionedLayer) {
        x = conditioned(ws, x, layer.inputShape().size() - config.classes(), ws.conditionedInput, first, n, rows);
      }
      Tensor y = rowsOf(ws.encoded[i], first, n, layer.outputShape().size(), rows);
      layer.forward(backend, encoderParams[i], x, y, preActivation(ws.encodedPre[i], first, n, layer, rows), n);
      if (dropout != null && dropsOutput(encoder, i)) drop(y, n, layer, dropout, dropoutLayer(false, i));
      x = y;
    }
  }

  private void decodeRows(Workspace ws, Tensor z, int first, int n, int rows, Dropout dropout) {
    Tensor x = conditioned(ws, rowsOf(z, first, n, config.latent(), rows), config.latent(), ws.conditionedZ, first, n,
        rows);
    for (int i = 0; i < decoder.size(); i++) {
      Layer layer = decoder.get(i);
      Tensor y = rowsOf(ws.decoded[i], first, n, layer.outputShape().size(), rows);
      layer.forward(backend, decoderParams[i], x, y, preActivation(ws.decodedPre[i], first, n, layer, rows), n);
      if (dropout != null && dropsOutput(decoder, i)) drop(y, n, layer, dropout, dropoutLayer(true, i));
      x = y;
    }
  }

  /** Rows [first, first + n) of a layer's kept pre-activation, or null where it keeps none. */
  private Tensor preActivation(Tensor pre, int first, int n, Layer layer, int rows) {
    return pre == null ? null : rowsOf(pre, first, n, layer.outputShape().size(), rows);
  }

  /**
   * A conditional model's first layer input for rows [first, first + n) of a pass: {@code x} with
   * the rows' one-hot beside it, in {@code wide} ({@link Backend#appendOneHot}); a plain VAE's is
   * {@code x} itself.
   */
  private Tensor conditioned(Workspace ws, Tensor x, int width, Tensor wide, int first, int n, int rows) {
    int classes = config.classes();
    if (classes == 0) return x;
    Workspace.Labels labels = ws.labels();
    Tensor out = rowsOf(wide, first, n, width + classes, rows);
    backend.appendOneHot(x, width, labels.labels(), labels.order(), labels.first() + first, n, classes, out);
    return out;
  }

  private void drop(Tensor y, int rows, Layer layer, Dropout d, int number) {
    backend.dropout(y, rows, layer.outputShape().size(), d.firstRow(), d.seed(), d.step(), number, d.p());
  }

  /**
   * Backward of {@link #drop} on {@code dy}, d(dropped output), making it d(activation output). The
   * mask is regenerated from its key rather than stored (no buffer per layer, and the same on every
   * backend). The layer's own backward then takes its activation's derivative from the dropped
   * output: right for ReLU and leaky ReLU (a kept output keeps its sign; a dropped one's gradient
   * is already 0) and identity (whose derivative ignores the output); GELU reads its kept
   * pre-activation instead ({@link #dropoutKeepsGradients}: ELU and tanh are refused).
   */
  private void dropBackward(Tensor dy, int rows, Layer layer, Dropout d, int number) {
    backend.dropoutBackward(dy, rows, layer.outputShape().size(), d.firstRow(), d.seed(), d.step(), number, d.p());
  }

  /** Rows [first, first + n) of a row-major {@code [*, width]} tensor; the tensor itself for a whole pass. */
  private Tensor rowsOf(Tensor t, int first, int n, int width, int rows) {
    return first == 0 && n == rows ? t : backend.slice(t, (long) first * width, (long) n * width);
  }

  /** Per-row losses of the last forward pass into {@code ws.reconPerRow} and {@code ws.klPerRow}. */
  public void losses(Workspace ws, int rows) {
    int d = config.inputSize();
    backend.reconstructionLoss(config.likelihood(), ws.logits(), ws.input, rows, d, ws.reconPerRow, null, 0f);
    backend.klDivergence(ws.stats, rows, config.latent(), ws.klPerRow, null, 0f);
  }

  /**
   * Losses of the last forward pass and the gradient of {@code mean over rows of (recon + beta *
   * KL)} with respect to every parameter, written into {@code grads} (same layout as params).
   */
  public void lossesAndGradients(Workspace ws, int rows, float beta, LayerGradients grads) {
    lossesAndGradients(ws, rows, rows, beta, grads);
  }

  /**
   * As {@link #lossesAndGradients(Workspace, int, float, LayerGradients)} for {@code rows} rows that
   * are one part of a batch of {@code batchRows}: the gradient is of the part's sum divided by
   * {@code batchRows}, so that the parts' gradients add up to the batch's.
   */
  public void lossesAndGradients(Workspace ws, int rows, int batchRows, float beta, LayerGradients grads) {
    lossesAndGradients(ws, rows, batchRows, beta, grads, null);
  }

  /**
   * As {@link #lossesAndGradients(Workspace, int, int, float, LayerGradients)} after a {@link
   * #forward(Workspace, int, Dropout)} with {@code dropout} (none if null).
   */
  public void lossesAndGradients(Workspace ws, int rows, int batchRows, float beta, LayerGradients grads,
      Dropout dropout) {
    lossesAndGradients(ws, rows, batchRows, beta, grads, dropout, null);
  }

  /**
   * As {@link #lossesAndGradients(Workspace, int, int, float, LayerGradients, Dropout)} with row
   * {@code r}'s loss weighted by {@code rowWeights[r]} (none if null; {@code --class-weights}): the
   * gradient is of the part's weighted sum divided by {@code batchRows}, and {@code ws.reconPerRow}
   * and {@code ws.klPerRow} hold the weighted losses, so that the sums reported are the weighted
   * objective. The weights scale the two loss gradients ({@code dlogits}, and {@code dstats} before
   * the reparameterization adds the decoder's part to it, which {@code dlogits} already weighed).
   */
  public void lossesAndGradients(Workspace ws, int rows, int batchRows, float beta, LayerGradients grads,
      Dropout dropout, Tensor rowWeights) {
    if (ws.statsGrad == null) throw new IllegalStateException("workspace was made without gradient buffers");
    int d = config.inputSize(), latent = config.latent();
    float perRow = 1f / batchRows;
    Tensor dlogits = ws.decodedGrad[decoder.size() - 1];
    backend.reconstructionLoss(config.likelihood(), ws.logits(), ws.input, rows, d, ws.reconPerRow, dlogits, perRow);
    backend.klDivergence(ws.stats, rows, latent, ws.klPerRow, ws.statsGrad, beta * perRow);
    if (rowWeights != null) {
      backend.scaleRows(dlogits, rows, config.likelihood().outputsPerValue() * d, rowWeights);
      backend.scaleRows(ws.statsGrad, rows, 2 * latent, rowWeights);
      backend.scaleRows(ws.reconPerRow, rows, 1, rowWeights);
      backend.scaleRows(ws.klPerRow, rows, 1, rowWeights);
    }

    backwardDecoder(ws, rows, grads, dropout);
    backend.reparameterizeBackward(ws.zGrad, ws.stats, ws.eps, ws.statsGrad, rows, latent);
    backwardEncoder(ws, rows, grads, dropout);
  }

  /**
   * The decoder's backward pass over {@code rows} rows, output layer first, from {@code d logits}
   * in the workspace to {@code ws.zGrad}: each layer turns d(output) into its parameters' gradients
   * and d(input). A conditional decoder's input gradient has the one-hot's columns too: z's are the
   * first L.
   */
  void backwardDecoder(Workspace ws, int rows, LayerGradients grads, Dropout dropout) {
    boolean conditional = config.classes() > 0;
    for (int i = decoder.size() - 1; i >= 0; i--) {
      Tensor input = i > 0 ? ws.decoded[i - 1] : conditional ? ws.conditionedZ : ws.z;
      Tensor inputGrad = i > 0 ? ws.decodedGrad[i - 1] : conditional ? ws.conditionedZGrad : ws.zGrad;
      if (dropout != null && dropsOutput(decoder, i)) dropBackward(ws.decodedGrad[i], rows, decoder.get(i), dropout, dropoutLayer(true, i));
      Tensor saved = ws.decodedPre[i] != null ? ws.decodedPre[i] : ws.decoded[i];
      decoder.get(i).backward(backend, decoderParams[i], grads.decoder[i], input, saved, ws.decodedGrad[i],
          inputGrad, rows);
    }
    if (conditional) backend.appendOneHotBackward(ws.conditionedZGrad, config.latent(), config.classes(), rows, ws.zGrad);
  }

  /**
   * The heads' and encoder's backward pass over {@code rows} rows from {@code ws.statsGrad}, from
   * the top; the first layer needs no d(input).
   */
  void backwardEncoder(Workspace ws, int rows, LayerGradients grads, Dropout dropout) {
    for (int i = encoder.size() - 1; i >= 0; i--) {
      boolean wide = config.classes() > 0 && i == conditionedLayer; // its input has the one-hot beside it
      Tensor input = wide ? ws.conditionedInput : i > 0 ? ws.encoded[i - 1] : ws.input;
      Tensor inputGrad = i == 0 ? null : wide ? ws.conditionedInputGrad : ws.encodedGrad[i - 1];
      if (dropout != null && dropsOutput(encoder, i)) dropBackward(ws.encodedGrad[i], rows, encoder.get(i), dropout, dropoutLayer(false, i));
      Tensor saved = ws.encodedPre[i] != null ? ws.encodedPre[i] : ws.encoded[i];
      encoder.get(i).backward(backend, encoderParams[i], grads.encoder[i], input, saved, ws.encodedGrad[i],
          inputGrad, rows);
      if (wide && i > 0) {
        int width = encoder.get(i).inputShape().size() - config.classes();
        backend.appendOneHotBackward(ws.conditionedInputGrad, width, config.classes(), rows, ws.encodedGrad[i - 1]);
      }
    }
  }

  /** Views of a gradient buffer laid out like the parameters, for {@link #lossesAndGradients}. */
  public final class LayerGradients {
    private final Tensor buffer;
    private final Tensor[][] encoder;
    private final Tensor[][] decoder;

    public LayerGradients(Tensor buffer) {
      if (buffer.length() != layout.size()) {
        throw new IllegalArgumentException("gradient buffer has " + buffer.length() + " floats, model needs " + layout.size());
      }
      this.buffer = buffer;
      this.encoder = bind(VaeNetwork.this.encoder, buffer);
      this.decoder = bind(VaeNetwork.this.decoder, buffer);
    }

    public Tensor buffer() {
      return buffer;
    }
  }
}
