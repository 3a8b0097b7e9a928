package dev.vae4j.run;

import dev.vae4j.Vae;
import dev.vae4j.data.Dataset;
import dev.vae4j.eval.Encodings;
import dev.vae4j.eval.LatentProjection;
import dev.vae4j.eval.LatentWalks;
import dev.vae4j.plot.ImageGrid;
import dev.vae4j.plot.LabelledGrid;
import dev.vae4j.plot.LatentScatter;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/**
 * The pictures of a trained model, as images to save or show: prior samples, reconstructions, the
 * decoder's manifold, latent traversals and interpolations (grids of images, grayscale for a grey
 * model and RGB for a colour one, each pixel value v in [0, 1] drawn as round(255 v), enlarged
 * {@code scale} times in both directions so that every cell keeps its image's aspect ratio, 2-pixel
 * gaps), and the latent scatter plot. Write any of them with {@link ImageGrid#writePng}.
 *
 * @param channels colour planes of the model's images: 1 (grey) or 3 (red, green, blue)
 * @param height image height in pixels
 * @param width image width in pixels
 * @param scale screen pixels per image pixel
 */
public record Pictures(Vae model, int channels, int height, int width, int scale) {
  private static final int PAD = 2;

  public Pictures {
    if ((long) channels * height * width != model.config().inputSize()) {
      throw new IllegalArgumentException((channels == 1 ? "" : channels + "x") + height + "x" + width
          + " images do not fit a model of " + model.config().inputSize() + " values");
    }
    if (scale <= 0) throw new IllegalArgumentException("scale must be > 0, got " + scale);
  }

  /**
   * Pictures of {@code height x width} images with as many planes as {@code model} takes per pixel
   * (the constructor of versions before colour; {@link #of(Run, Vae, int)} says it more plainly).
   */
  public Pictures(Vae model, int height, int width, int scale) {
    this(model, (int) Math.max(1, model.config().inputSize() / Math.max(1L, (long) height * width)), height, width, scale);
  }

  /** Pictures of {@code model}, trained in {@code run}, at the size and colour of the run's images. */
  public static Pictures of(Run run, Vae model, int scale) {
    return new Pictures(model, run.imageChannels(), run.imageHeight(), run.imageWidth(), scale);
  }

  /** Pictures of {@code model} at the size and colour of {@code data}'s images. */
  public static Pictures of(Dataset data, Vae model, int scale) {
    return new Pictures(model, data.channels(), data.height(), data.width(), scale);
  }

  /** {@code n} indices spread evenly over {@code count} images (a set may be ordered by class). */
  public static int[] spread(int count, int n) {
    int[] out = new int[Math.min(n, count)];
    for (int i = 0; i < out.length; i++) out[i] = (int) ((long) i * count / out.length);
    return out;
  }

  /**
   * {@code count} decoded draws from the prior in {@code cols} columns: the decoder's pixel means,
   * or with {@code binary} (Bernoulli models only) pixels drawn from them, reproducibly for a seed.
   * A conditional model's are {@link #samplesPerClass}: a labelled row of {@code cols} per class.
   */
  public BufferedImage samples(int count, int cols, long seed, boolean binary) {
    if (count <= 0) throw new IllegalArgumentException("sample count must be > 0, got " + count);
    if (model.config().conditioning().conditional()) return samplesPerClass(cols, seed, binary);
    return grid(draws(count, seed, binary, null), count, cols);
  }

  /**
   * A conditional model's {@code count} samples of class {@code label}, in {@code cols} columns, as
   * {@link #samples}.
   */
  public BufferedImage samples(int count, int cols, long seed, boolean binary, int label) {
    if (count <= 0) throw new IllegalArgumentException("sample count must be > 0, got " + count);
    int[] labels = new int[count];
    java.util.Arrays.fill(labels, label);
    return grid(draws(count, seed, binary, labels), count, cols);
  }

  /**
   * A conditional model's samples, one row per class labelled with its name, {@code cols} a row:
   * each column decodes the same draw from the prior for every class, so a column shows one
   * "style" in each class (what {@link #samples(int, int, long, boolean)} gives for such a model).
   */
  public BufferedImage samplesPerClass(int cols, long seed, boolean binary) {
    if (cols <= 0) throw new IllegalArgumentException("samples per class must be > 0, got " + cols);
    dev.vae4j.model.Conditioning conditioning = model.config().conditioning();
    int classes = conditioning.classes(), latent = model.config().latent();
    float[] draws = model.priorDraws(cols, seed), z = new float[classes * cols * latent];
    int[] labels = new int[classes * cols];
    String[] names = new String[classes];
    for (int c = 0; c < classes; c++) {
      names[c] = conditioning.name(c);
      System.arraycopy(draws, 0, z, c * cols * latent, draws.length);
      java.util.Arrays.fill(labels, c * cols, (c + 1) * cols, c);
    }
    float[] means = model.decode(z, classes * cols, labels);
    if (binary) binarize(means, seed);
    return LabelledGrid.render(grid(means, classes * cols, cols), width * scale, height * scale, PAD, names, null);
  }

  /** {@code count} decoded draws from the prior (of classes {@code labels} for a conditional model), pixels drawn from them with {@code binary}. */
  private float[] draws(int count, long seed, boolean binary, int[] labels) {
    float[] means = model.sample(count, seed, labels);
    if (binary) binarize(means, seed);
    return means;
  }

  /** Pixels drawn from a Bernoulli model's means, reproducibly for a seed. */
  private void binarize(float[] means, long seed) {
    if (!model.config().likelihood().binary()) {
      throw new IllegalArgumentException("binary samples need a Bernoulli model; this one is " + model.config().likelihood());
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < means.length; i++) means[i] = random.nextDouble() < means[i] ? 1f : 0f;
  }

  /** The images {@code indices} of {@code data}, in rows of {@code cols}, each above its reconstruction. */
  public BufferedImage reconstructions(Dataset data, int[] indices, int cols, long seed) {
    int d = data.features();
    float[] originals = new float[indices.length * d];
    for (int i = 0; i < indices.length; i++) {
      if (indices[i] < 0 || indices[i] >= data.count()) {
        throw new IllegalArgumentException("image index " + indices[i] + " is not in [0, " + data.count() + ") of " + data.name());
      }
      data.copyPixels(indices[i], 1, originals, i * d);
    }
    int[] labels = null;
    if (model.config().conditioning().conditional()) { // each image reconstructed as its own class
      if (data.labels() == null) throw new IllegalArgumentException("a conditional model reconstructs an image with its class, and "
          + data.name() + " has no labels");
      labels = java.util.Arrays.stream(indices).map(i -> data.labels()[i]).toArray();
    }
    return reconstructions(originals, indices.length, cols, seed, labels);
  }

  /**
   * {@code count} images of {@code originals} in rows of {@code cols}, each above its
   * reconstruction, the rows labelled "original" and "reconstruction".
   */
  public BufferedImage reconstructions(float[] originals, int count, int cols, long seed) {
    return reconstructions(originals, count, cols, seed, null);
  }

  /** As {@link #reconstructions(float[], int, int, long)}, image i of class {@code labels[i]} for a conditional model (null for a plain VAE). */
  public BufferedImage reconstructions(float[] originals, int count, int cols, long seed, int[] labels) {
    float[] recon = model.reconstruct(originals, count, seed, labels);
    BufferedImage grid = ImageGrid.pairs(originals, recon, count, channels, height, width, cols, PAD, scale);
    int rows = (count + ImageGrid.balancedColumns(count, cols) - 1) / ImageGrid.balancedColumns(count, cols);
    String[] rowLabels = new String[2 * rows];
    for (int r = 0; r < rows; r++) {
      rowLabels[2 * r] = "original";
      rowLabels[2 * r + 1] = "reconstruction";
    }
    return LabelledGrid.render(grid, width * scale, height * scale, PAD, rowLabels, null);
  }

  /** A 2-D latent space decoded over a {@code side x side} grid at normal quantiles ({@link LatentWalks#manifold}). */
  public BufferedImage manifold(int side) {
    return manifold(side, null);
  }

  /** As {@link #manifold(int)}, decoded as class {@code label} by a conditional model (null for a plain VAE). */
  public BufferedImage manifold(int side, Integer label) {
    if (model.config().latent() != 2) {
      throw new IllegalArgumentException("the manifold needs a 2-D latent space; this model has " + model.config().latent()
          + " dimensions (use traverse)");
    }
    return grid(model.decode(LatentWalks.manifold(side), side * side, labels(side * side, label)), side * side, side);
  }

  /**
   * {@code rows} copies of {@code label} for a conditional model's decoder, null for a plain VAE's.
   *
   * @throws IllegalArgumentException for a conditional model without a class
   */
  private int[] labels(int rows, Integer label) {
    if (!model.config().conditioning().conditional()) return null;
    if (label == null) throw new IllegalArgumentException("a conditional model decodes a chosen class: give --class");
    int[] labels = new int[rows];
    java.util.Arrays.fill(labels, label);
    return labels;
  }

  /**
   * One row per dimension of {@code dims}: {@code code} with that dimension moved over [-range,
   * range]; rows labelled with the dimension ({@code z3}), columns with the offset ({@code -3.0}).
   */
  public BufferedImage traversal(float[] code, int[] dims, int steps, double range) {
    return traversal(code, dims, steps, range, null);
  }

  /** As {@link #traversal(float[], int[], int, double)}, decoded as class {@code label} by a conditional model (null for a plain VAE). */
  public BufferedImage traversal(float[] code, int[] dims, int steps, double range, Integer label) {
    BufferedImage grid = grid(model.decode(LatentWalks.traverse(code, dims, steps, range), dims.length * steps,
        labels(dims.length * steps, label)), dims.length * steps, steps);
    String[] rows = new String[dims.length], cols = new String[steps];
    for (int r = 0; r < dims.length; r++) rows[r] = "z" + dims[r];
    for (int c = 0; c < steps; c++) {
      cols[c] = String.format(java.util.Locale.ROOT, "%+.1f", -range + 2 * range * c / (steps - 1)).replace("+0.0", "0");
    }
    return LabelledGrid.render(grid, width * scale, height * scale, PAD, rows, cols);
  }

  /** {@code steps} decoded points from code {@code from} to code {@code to}, in one row. */
  public BufferedImage interpolation(float[] from, float[] to, int steps) {
    return interpolation(from, to, steps, null);
  }

  /** As {@link #interpolation(float[], float[], int)}, decoded as class {@code label} by a conditional model (null for a plain VAE). */
  public BufferedImage interpolation(float[] from, float[] to, int steps, Integer label) {
    return grid(model.decode(LatentWalks.interpolate(from, to, steps), steps, labels(steps, label)), steps, steps);
  }

  /**
   * The latent means of {@code data} coloured by label, the legend naming the classes where the
   * data names them (PCA when the latent space has more than 2 dimensions).
   */
  public BufferedImage latentScatter(Dataset data, String title) {
    return LatentScatter.render(LatentProjection.of(Encodings.of(model, data), data.labels()), data.classNames(), title,
        LatentScatter.WIDTH, LatentScatter.HEIGHT);
  }

  /**
   * A dataset's name for a chart title: a file path in it shortened to its folder and file
   * ({@code /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz} becomes {@code
   * fashion-mnist/t10k-images-idx3-ubyte.gz}), which says what the data is without the machine's
   * directory layout.
   */
  public static String titleName(String dataName) {
    return dataName.replaceAll("(?:[~.]?/)?(?:[^/\\s]+/)*([^/\\s]+/[^/\\s]+)", "$1");
  }

  private BufferedImage grid(float[] pixels, int count, int cols) {
    return ImageGrid.render(pixels, count, channels, height, width, cols, PAD, scale);
  }
}
