package dev.vae4j;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.Tensor;
import dev.vae4j.io.FormatException;
import dev.vae4j.io.SafeTensors;
import dev.vae4j.model.Initializer;
import dev.vae4j.model.ModelMetadata;
import dev.vae4j.model.ParameterLayout;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.VaeNetwork;
import dev.vae4j.model.Workspace;
import dev.vae4j.model.layer.ParameterView;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A VAE bound to a backend: its configuration and its parameters, living in the backend's memory.
 * Create one with {@link #create}, train it with {@code dev.vae4j.train.Trainer}, and use it to reconstruct,
 * sample and encode.
 */
public final class Vae {
  private final VaeConfig config;
  private final Backend backend;
  private final ParameterLayout layout;
  private final Tensor params;
  private final VaeNetwork network;

  private Vae(VaeConfig config, Backend backend, float[] initial) {
    this.config = config;
    this.backend = backend;
    this.layout = new ParameterLayout(config);
    this.params = backend.allocate(layout.size());
    setParameters(initial);
    this.network = new VaeNetwork(backend, config, layout, params);
  }

  /** A new model with PyTorch {@code nn.Linear} initialization drawn from {@code seed}. */
  public static Vae create(VaeConfig config, Backend backend, long seed) {
    return new Vae(config, backend, Initializer.pytorchLinear(new ParameterLayout(config), seed));
  }

  /** A model with the given flat parameters (layout of {@link ParameterLayout}). */
  public static Vae withParameters(VaeConfig config, Backend backend, float[] params) {
    return new Vae(config, backend, params);
  }

  /** The model's shape. */
  public VaeConfig config() {
    return config;
  }

  /** The backend whose memory holds the parameters; the caller that made it closes it. */
  public Backend backend() {
    return backend;
  }

  /** Where each named tensor lives in the flat parameter buffer (internal; see {@link ParameterLayout}). */
  public ParameterLayout layout() {
    return layout;
  }

  /** The network that runs this model's passes (internal: for vae4j's trainers and evaluators). */
  public VaeNetwork network() {
    return network;
  }

  /** A copy of every parameter, in {@link ParameterLayout} order. */
  public float[] parameters() {
    return backend.download(params);
  }

  /** Replaces every parameter. */
  public void setParameters(float[] values) {
    if (values.length != layout.size()) {
      throw new IllegalArgumentException("expected " + layout.size() + " parameters, got " + values.length);
    }
    backend.upload(values, params);
  }

  /**
   * Writes the parameters as a safetensors file whose tensor names and {@code [out, in]} weight
   * layout are PyTorch {@code nn.Linear}'s ({@code enc.fc.weight}, ...), with the configuration in
   * the metadata, atomically.
   */
  public void save(Path file, Map<String, String> extraMetadata) throws IOException {
    float[] all = parameters();
    List<SafeTensors.Tensor> tensors = new ArrayList<>();
    for (ParameterView v : layout.views()) {
      float[] data = new float[(int) v.size()];
      System.arraycopy(all, (int) v.offset(), data, 0, data.length);
      long[] shape = new long[v.shape().length];
      for (int i = 0; i < shape.length; i++) shape[i] = v.shape()[i];
      tensors.add(new SafeTensors.Tensor(v.name(), shape, data));
    }
    Map<String, String> metadata = new LinkedHashMap<>(extraMetadata);
    metadata.putAll(ModelMetadata.describe(config));
    SafeTensors.write(file, metadata, tensors);
  }

  /** Loads a model written by {@link #save} onto {@code backend}, checking every tensor's shape. */
  public static Vae load(Path file, Backend backend) throws IOException {
    return load(SafeTensors.read(file), file, backend);
  }

  /** Loads a model from the read {@code contents} of {@code file} onto {@code backend}, checking every tensor's shape. */
  public static Vae load(SafeTensors.Contents contents, Path file, Backend backend) throws IOException {
    VaeConfig config = ModelMetadata.config(contents.metadata(), file.toString());
    ParameterLayout layout = new ParameterLayout(config);
    long stored = contents.tensors().values().stream().mapToLong(t -> t.values().length).sum();
    if (layout.size() > stored) { // refuse before allocating what a forged configuration asks for
      throw new FormatException(file + ": the configuration " + config.describe() + " needs " + layout.size()
          + " parameters but the file holds " + stored + " values");
    }
    float[] params = new float[Math.toIntExact(layout.size())];
    for (ParameterView v : layout.views()) {
      SafeTensors.Entry e = contents.require(v.name(), file.toString());
      long[] expected = new long[v.shape().length];
      for (int i = 0; i < expected.length; i++) expected[i] = v.shape()[i];
      if (!java.util.Arrays.equals(expected, e.shape())) {
        throw new FormatException(file + ": tensor '" + v.name() + "' has shape " + java.util.Arrays.toString(e.shape())
            + ", the model's configuration needs " + java.util.Arrays.toString(expected));
      }
      float[] values = e.floats();
      for (float f : values) {
        if (!Float.isFinite(f)) throw new FormatException(file + ": tensor '" + v.name() + "' holds NaN or infinite values");
      }
      System.arraycopy(values, 0, params, (int) v.offset(), values.length);
    }
    return withParameters(config, backend, params);
  }

  /**
   * Decodes latent points {@code z [rows, latent]} into pixel means in [0, 1], as {@link
   * Likelihood#pixelMeans} maps the decoder's outputs (Bernoulli: sigmoid of the logits; Gaussian:
   * the clamped mean; ...).
   */
  public float[] decode(float[] z, int rows) {
    return decode(z, rows, null);
  }

  /**
   * As {@link #decode(float[], int)}, for a conditional model ({@link VaeConfig#conditioning}) of
   * the classes {@code labels} (one per row); a plain VAE takes null.
   */
  public float[] decode(float[] z, int rows, int[] labels) {
    requireLength(z, rows * config.latent(), "latent points");
    Workspace ws = network.workspace(rows, false);
    Tensor zt = backend.allocate(z.length);
    IndexTensor rowLabels = null;
    try {
      rowLabels = condition(ws, labels, rows);
      backend.upload(z, zt);
      network.decodeFromInParts(ws, zt, rows);
      return pixelMeans(ws, rows);
    } finally {
      if (rowLabels != null) backend.release(rowLabels);
      backend.release(zt);
      ws.release(backend);
    }
  }

  /** Decoded means of {@code count} draws from the prior N(0, I), reproducible for a seed. */
  public float[] sample(int count, long seed) {
    return sample(count, seed, null);
  }

  /**
   * As {@link #sample(int, long)}, each draw decoded as the class {@code labels} gives it (one per
   * draw) by a conditional model; a plain VAE takes null. The draws from the prior are the same
   * whatever the labels.
   */
  public float[] sample(int count, long seed, int[] labels) {
    return decode(priorDraws(count, seed), count, labels);
  }

  /** {@code count} draws {@code [count, latent]} from the prior N(0, I), those {@link #sample} decodes for a seed. */
  public float[] priorDraws(int count, long seed) {
    Tensor z = backend.allocate((long) count * config.latent());
    try {
      backend.normalNoise(z, seed, 0);
      return backend.download(z);
    } finally {
      backend.release(z);
    }
  }

  /** Pixel means of reconstructions of {@code x [rows, inputSize]} through sampled latents. */
  public float[] reconstruct(float[] x, int rows, long seed) {
    return reconstruct(x, rows, seed, null);
  }

  /** As {@link #reconstruct(float[], int, long)}, each image of class {@code labels[i]} for a conditional model (null for a plain VAE). */
  public float[] reconstruct(float[] x, int rows, long seed, int[] labels) {
    requireLength(x, rows * config.inputSize(), "images");
    Workspace ws = network.workspace(rows, false);
    IndexTensor rowLabels = null;
    try {
      rowLabels = condition(ws, labels, rows);
      backend.upload(x, 0, ws.input(), 0, x.length);
      backend.normalNoise(ws.eps(), seed, 0);
      network.forwardInParts(ws, rows);
      return pixelMeans(ws, rows);
    } finally {
      if (rowLabels != null) backend.release(rowLabels);
      ws.release(backend);
    }
  }

  /**
   * Gives a conditional model's workspace the rows' labels (uploaded); a plain VAE's needs none.
   * Returns the uploaded labels, which the caller releases after the pass (null for a plain VAE).
   *
   * @throws IllegalArgumentException for a conditional model without a label per row in [0, classes), or labels for a plain VAE
   */
  private IndexTensor condition(Workspace ws, int[] labels, int rows) {
    if (config.classes() == 0 && labels == null) return null;
    if (labels == null || labels.length != rows) {
      throw new IllegalArgumentException("a conditional model needs each row's class: "
          + (labels == null ? "no labels" : labels.length + " labels") + " for " + rows + " rows");
    }
    IndexTensor uploaded = uploadLabels(labels);
    ws.condition(uploaded, null, 0);
    return uploaded;
  }

  /**
   * A conditional model's {@code labels} on its backend, for {@link Workspace#condition}; the
   * caller releases them ({@link Backend#release(IndexTensor)}) when its passes are done.
   *
   * @throws IllegalArgumentException for a label outside [0, classes), or for a model that is not conditional
   */
  public IndexTensor uploadLabels(int[] labels) {
    int classes = config.classes();
    if (classes == 0) throw new IllegalArgumentException("labels for a model that is not conditional");
    for (int label : labels) {
      if (label < 0 || label >= classes) throw new IllegalArgumentException("class " + label + " is not in [0, " + classes + ")");
    }
    IndexTensor t = backend.allocateIndices(Math.max(1, labels.length));
    backend.uploadIndices(labels.length == 0 ? new int[1] : labels, t);
    return t;
  }

  /**
   * Pixel values in [0, 1] from the last pass's decoder outputs, as {@link Likelihood#pixelMeans}
   * maps them; Bernoulli's sigmoid runs on the backend, as it always has.
   */
  private float[] pixelMeans(Workspace ws, int rows) {
    Tensor logits = ws.logits();
    Likelihood likelihood = config.likelihood();
    return switch (likelihood) {
      case BERNOULLI -> {
        backend.biasActivation(logits, null, rows, config.inputSize(), Activation.SIGMOID);
        float[] out = new float[rows * config.inputSize()];
        backend.download(logits, 0, out, 0, out.length);
        for (int i = 0; i < out.length; i++) out[i] = Math.min(1f, Math.max(0f, out[i]));
        yield out;
      }
      case CONTINUOUS_BERNOULLI, GAUSSIAN, GAUSSIAN_LEARNED -> {
        float[] outputs = new float[rows * likelihood.outputsPerValue() * config.inputSize()];
        backend.download(logits, 0, outputs, 0, outputs.length);
        yield likelihood.pixelMeans(outputs, rows, config.inputSize());
      }
    };
  }

  private static void requireLength(float[] a, int expected, String what) {
    if (a.length != expected) {
      throw new IllegalArgumentException(what + ": expected " + expected + " floats, got " + a.length);
    }
  }
}
