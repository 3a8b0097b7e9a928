package dev.vae4j.eval;

import dev.vae4j.Vae;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.Tensor;
import dev.vae4j.data.Dataset;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.VaeNetwork;
import dev.vae4j.model.Workspace;
import java.util.function.LongConsumer;

/**
 * Per-image ELBO terms and the importance-weighted estimate of {@code log p(x)} (Burda et al.'s
 * IWAE bound) with {@code k} latent draws per image, on the model's backend.
 *
 * <p>All images are encoded once; then the {@code n * k} draws run through the decoder in chunks
 * of up to {@code chunkRows} rows, each chunk a handful of backend ops: gather every draw's
 * (mu, logvar) and target image by index, Philox noise, reparameterize, decode, per-row
 * reconstruction loss. The host adds the small latent terms in double precision, {@code log p(z) -
 * log q(z|x) = sum_j (-z_j^2 + eps_j^2 + logvar_j) / 2} (the {@code log 2 pi} terms cancel), and
 * keeps a running log-mean-exp per image.
 *
 * <p>Draw j of image i takes its noise from Philox stream {@code (i << 32) | (j / 1024)}, so the
 * figures depend only on the model, the images, k and the seed: not on the backend, the chunk
 * size or the other images. The first k draws are the same for every larger k.
 *
 * <p>A conditional model's estimates are of {@code log p(x | class)}: with the image's own class
 * where the data have labels, else the best class's (see {@link #conditioned}).
 */
public final class LikelihoodEstimator {
  /** Draws per noise stream. */
  static final int NOISE_BLOCK = 1024;
  /**
   * Default decoder rows per chunk: large enough to keep a GPU busy, ~80 MB for a 784-400 model;
   * fewer for models whose activations would not fit {@link VaeNetwork#inferenceRows}.
   */
  public static final int DEFAULT_CHUNK_ROWS = 8192;

  private LikelihoodEstimator() {}

  /** {@link #estimate(Vae, float[], int, int, long, int)} over a dataset with default chunks. */
  public static Estimates estimate(Vae model, Dataset data, int samples, long seed) {
    return estimate(model, data, samples, seed, done -> {});
  }

  /**
   * {@link #estimate(Vae, Dataset, int, long)}, telling {@code imagesDone} how many images have
   * all their draws decoded, after every decoder chunk (for a progress bar).
   */
  public static Estimates estimate(Vae model, Dataset data, int samples, long seed, LongConsumer imagesDone) {
    check(model, samples, data.count(), (long) data.count() * data.features());
    int chunk = model.network().inferenceRows(DEFAULT_CHUNK_ROWS, NOISE_BLOCK);
    return conditioned(model, data, samples, seed, chunk, imagesDone);
  }

  /**
   * A plain VAE's estimates; a conditional model's with each image's own class where {@code data}
   * has labels the model knows (all of them), else, per image, those of the class whose importance-weighted estimate of {@code
   * log p(x | class)} is highest (its lowest score: {@code max_c log p(x | c)}, the class the model
   * finds likeliest), each class's run with the same noise.
   */
  private static Estimates conditioned(Vae model, Dataset data, int samples, long seed, int chunk,
      LongConsumer imagesDone) {
    int classes = model.config().classes();
    if (classes == 0 || knownLabels(data.labels(), classes)) {
      return new Run(model, data, samples, seed, chunk, imagesDone, data.labels()).estimate();
    }
    int count = data.count();
    double[] recon = new double[count], kl = new double[count], logLikelihood = new double[count];
    java.util.Arrays.fill(logLikelihood, Double.NEGATIVE_INFINITY);
    for (int c = 0; c < classes; c++) {
      int[] labels = new int[count];
      java.util.Arrays.fill(labels, c);
      long before = (long) c * count;
      Estimates e = new Run(model, data, samples, seed, chunk, done -> imagesDone.accept((before + done) / classes), labels)
          .estimate();
      for (int i = 0; i < count; i++) {
        if (c == 0 || e.logLikelihood()[i] > logLikelihood[i]) {
          recon[i] = e.reconstruction()[i];
          kl[i] = e.kl()[i];
          logLikelihood[i] = e.logLikelihood()[i];
        }
      }
    }
    return new Estimates(recon, kl, logLikelihood, samples);
  }

  /**
   * Estimates for {@code count} images in {@code pixels} (row-major, image after image), with
   * {@code samples} draws per image and decoder chunks of {@code chunkRows} rows (at least 1024).
   */
  public static Estimates estimate(Vae model, float[] pixels, int count, int samples, long seed, int chunkRows) {
    check(model, samples, count, pixels.length);
    Dataset images = new Dataset("images", pixels, null, count, 1, model.config().inputSize());
    return conditioned(model, images, samples, seed, Math.max(chunkRows, NOISE_BLOCK), done -> {});
  }

  /** Whether there are labels and the model knows each (a held-out class it never saw has none of its own). */
  private static boolean knownLabels(int[] labels, int classes) {
    if (labels == null) return false;
    for (int label : labels) if (label < 0 || label >= classes) return false;
    return true;
  }

  private static void check(Vae model, int samples, int count, long pixels) {
    VaeConfig c = model.config();
    if (samples <= 0) throw new IllegalArgumentException("samples per image must be > 0, got " + samples);
    if (count <= 0) throw new IllegalArgumentException("no images to evaluate");
    if ((long) count * c.inputSize() != pixels) {
      throw new IllegalArgumentException(count + " images of " + c.inputSize() + " pixels need "
          + (long) count * c.inputSize() + " values, got " + pixels);
    }
  }

  /** The buffers and running sums of one estimation. */
  private static final class Run {
    private final Backend backend;
    private final VaeNetwork network;
    private final int latent, features, count, samples, chunk;
    private final long seed;
    private final Dataset data;
    private final LogMeanExp.Accumulator[] logWeights;
    private final double[] reconSums;
    private final LongConsumer imagesDone;

    /** A conditional model's class of each image, on the backend; null for a plain VAE. */
    private final IndexTensor labels;

    Run(Vae model, Dataset data, int samples, long seed, int chunk, LongConsumer imagesDone, int[] labels) {
      this.imagesDone = imagesDone;
      this.labels = model.config().conditioning().conditional() ? model.uploadLabels(labels) : null;
      this.backend = model.backend();
      this.network = model.network();
      this.latent = model.config().latent();
      this.features = model.config().inputSize();
      this.data = data;
      this.count = data.count();
      this.samples = samples;
      this.seed = seed;
      this.chunk = chunk;
      this.logWeights = new LogMeanExp.Accumulator[count];
      for (int i = 0; i < count; i++) logWeights[i] = new LogMeanExp.Accumulator();
      this.reconSums = new double[count];
    }

    Estimates estimate() {
      Tensor images = backend.allocate((long) count * features);
      Tensor stats = backend.allocate(2L * count * latent);
      IndexTensor rowsOf = backend.allocateIndices(chunk);
      Workspace ws = network.workspace(chunk, false);
      try {
        data.forEachBlock((src, offset, first, n) -> backend.upload(src, offset, images, (long) first * features, n * features));
        float[] hostStats = encode(images, stats, ws);
        decodeDraws(images, stats, rowsOf, ws, hostStats);
        double[] recon = new double[count], kl = new double[count], logLikelihood = new double[count];
        for (int i = 0; i < count; i++) {
          recon[i] = reconSums[i] / samples;
          kl[i] = kl(hostStats, i);
          logLikelihood[i] = logWeights[i].value();
        }
        return new Estimates(recon, kl, logLikelihood, samples);
      } finally {
        ws.release(backend);
        backend.release(images);
        backend.release(stats);
        backend.release(rowsOf);
        if (labels != null) backend.release(labels); // a Run estimates once
      }
    }

    /** mu and logvar of every image into {@code stats [count, 2*latent]}; returns a host copy. */
    private float[] encode(Tensor images, Tensor stats, Workspace ws) {
      for (int first = 0; first < count; first += chunk) {
        int rows = Math.min(chunk, count - first);
        backend.copy(backend.slice(images, (long) first * features, (long) rows * features),
            backend.slice(ws.input(), 0, (long) rows * features));
        if (labels != null) ws.condition(labels, null, first);
        network.encodeInParts(ws, rows);
        backend.copy(backend.slice(ws.stats(), 0, 2L * rows * latent),
            backend.slice(stats, 2L * first * latent, 2L * rows * latent));
      }
      return backend.download(stats);
    }

    /**
     * Every draw through the decoder, chunk by chunk. A chunk holds whole noise blocks (up to
     * {@link #NOISE_BLOCK} consecutive draws of one image) in image order; ws.stats and ws.input,
     * free after encoding, hold the gathered (mu, logvar) rows and target images.
     */
    private void decodeDraws(Tensor images, Tensor stats, IndexTensor rowsOf, Workspace ws, float[] hostStats) {
      int[] imageOfRow = new int[chunk];
      int rows = 0;
      for (int image = 0; image < count; image++) {
        for (int first = 0; first < samples; first += NOISE_BLOCK) {
          int block = Math.min(NOISE_BLOCK, samples - first);
          if (rows + block > chunk) {
            runChunk(images, stats, rowsOf, ws, hostStats, imageOfRow, rows);
            rows = 0;
            imagesDone.accept(image); // the images before this one have all their draws
          }
          java.util.Arrays.fill(imageOfRow, rows, rows + block, image);
          long stream = ((long) image << 32) | (first / NOISE_BLOCK);
          backend.normalNoise(backend.slice(ws.eps(), (long) rows * latent, (long) block * latent), seed, stream);
          rows += block;
        }
      }
      if (rows > 0) runChunk(images, stats, rowsOf, ws, hostStats, imageOfRow, rows);
      imagesDone.accept(count);
    }

    private void runChunk(Tensor images, Tensor stats, IndexTensor rowsOf, Workspace ws, float[] hostStats,
        int[] imageOfRow, int rows) {
      backend.uploadIndices(imageOfRow, rowsOf);
      backend.gatherRows(stats, 2 * latent, rowsOf, 0, rows, ws.stats());
      backend.reparameterize(ws.stats(), ws.eps(), ws.z(), rows, latent);
      if (labels != null) ws.condition(labels, rowsOf, 0); // each draw's image's class
      network.decodeFromInParts(ws, ws.z(), rows);
      backend.gatherRows(images, features, rowsOf, 0, rows, ws.input());
      backend.reconstructionLoss(network.config().likelihood(), ws.logits(), ws.input(), rows, features,
          ws.reconPerRow(), null, 0f);
      float[] recon = new float[rows], eps = new float[rows * latent];
      backend.download(ws.reconPerRow(), 0, recon, 0, rows);
      backend.download(ws.eps(), 0, eps, 0, eps.length);
      for (int r = 0; r < rows; r++) {
        int image = imageOfRow[r];
        int s = 2 * image * latent, e = r * latent;
        double latentTerms = 0;
        for (int j = 0; j < latent; j++) {
          double mu = hostStats[s + j], logvar = hostStats[s + latent + j], noise = eps[e + j];
          double z = mu + Math.exp(0.5 * logvar) * noise;
          latentTerms += -z * z + noise * noise + logvar;
        }
        reconSums[image] += recon[r];
        logWeights[image].add(0.5 * latentTerms - recon[r]);
      }
    }

    /** KL(N(mu, exp(logvar)) || N(0, I)) of image i, in double. */
    private double kl(float[] hostStats, int image) {
      int s = 2 * image * latent;
      double sum = 0;
      for (int j = 0; j < latent; j++) {
        double mu = hostStats[s + j], logvar = hostStats[s + latent + j];
        sum += -0.5 * (1 + logvar - mu * mu - Math.exp(logvar));
      }
      return sum;
    }
  }
}
