package dev.vae4j;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.Tensor;
import dev.vae4j.model.Initializer;
import dev.vae4j.model.ParameterLayout;
import dev.vae4j.model.VaeNetwork;
import dev.vae4j.model.Workspace;

/**
 * A VAE bound to a backend: its configuration and its parameters, living in the backend's memory.
 * Create one with {@link #create}, train it with {@link Trainer}, and use it to reconstruct,
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

  public VaeConfig config() {
    return config;
  }

  public Backend backend() {
    return backend;
  }

  public ParameterLayout layout() {
    return layout;
  }

  /** The network that runs this model's passes (for trainers and evaluators). */
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
   * Decodes latent points {@code z [rows, latent]} into pixel means in [0, 1]: sigmoid of the
   * logits for Bernoulli pixels, the clamped mean for Gaussian ones.
   */
  public float[] decode(float[] z, int rows) {
    requireLength(z, rows * config.latent(), "latent points");
    Workspace ws = network.workspace(rows, false);
    Tensor zt = backend.allocate(z.length);
    backend.upload(z, zt);
    network.decodeFrom(ws, zt, rows);
    return pixelMeans(ws, rows);
  }

  /** Decoded means of {@code count} draws from the prior N(0, I), reproducible for a seed. */
  public float[] sample(int count, long seed) {
    Tensor z = backend.allocate((long) count * config.latent());
    backend.normalNoise(z, seed, 0);
    return decode(backend.download(z), count);
  }

  /** Pixel means of reconstructions of {@code x [rows, inputSize]} through sampled latents. */
  public float[] reconstruct(float[] x, int rows, long seed) {
    requireLength(x, rows * config.inputSize(), "images");
    Workspace ws = network.workspace(rows, false);
    backend.upload(x, 0, ws.input(), 0, x.length);
    backend.normalNoise(ws.eps(), seed, 0);
    network.forward(ws, rows);
    return pixelMeans(ws, rows);
  }

  private float[] pixelMeans(Workspace ws, int rows) {
    Tensor logits = ws.logits();
    if (config.likelihood() == Likelihood.BERNOULLI) {
      backend.biasActivation(logits, null, rows, config.inputSize(), Activation.SIGMOID);
    }
    float[] out = new float[rows * config.inputSize()];
    backend.download(logits, 0, out, 0, out.length);
    for (int i = 0; i < out.length; i++) out[i] = Math.min(1f, Math.max(0f, out[i]));
    return out;
  }

  private static void requireLength(float[] a, int expected, String what) {
    if (a.length != expected) {
      throw new IllegalArgumentException(what + ": expected " + expected + " floats, got " + a.length);
    }
  }
}
