package dev.vae4j.run;

import dev.vae4j.Vae;
import dev.vae4j.data.Dataset;
import dev.vae4j.io.TensorBoardWriter;
import dev.vae4j.train.EpochMetrics;
import dev.vae4j.train.StepMetrics;
import dev.vae4j.train.TrainOptions;
import dev.vae4j.train.TrainingListener;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Logs a training run for TensorBoard ({@code tensorboard --logdir DIR}):
 *
 * <ul>
 *   <li>every {@code stepInterval} steps, at the optimizer's update count: {@code step/loss},
 *       {@code step/recon}, {@code step/kl}, {@code step/kl_weight}, {@code step/learning_rate},
 *       {@code step/samples_per_s};
 *   <li>every epoch, at the epoch number: {@code epoch/train_loss}, {@code epoch/train_recon},
 *       {@code epoch/train_kl}, {@code epoch/val_loss}, {@code epoch/val_recon}, {@code
 *       epoch/val_kl} (when there is validation), {@code epoch/kl_weight}, {@code
 *       epoch/learning_rate}, {@code epoch/samples_per_s} (and with {@code --iwae-k} {@code
 *       epoch/train_iwae}, with {@code --clip-grad-norm} {@code epoch/grad_norm}, the mean norm before clipping), and two images ({@link Pictures}: RGB
 *       for colour data, grayscale for grey): {@code samples} (64 decoded prior draws, the same
 *       draws every epoch) and {@code reconstructions} (16 images spread over {@code pictures}
 *       above their reconstructions, the rows labelled).
 * </ul>
 *
 * <p>Losses are in nats per sample, as in {@link EpochMetrics}. Close it when training ends.
 */
public final class TensorBoardListener implements TrainingListener, AutoCloseable {
  /** Steps between step scalars unless told otherwise: often enough for a curve, rare enough not to stall a GPU. */
  public static final int DEFAULT_STEP_INTERVAL = 10;

  private static final int SAMPLES = 64, RECONSTRUCTIONS = 16, COLUMNS = 8, SCALE = 2;

  private final TensorBoardWriter writer;
  private final Dataset pictures;
  private final long seed;
  private final int stepInterval;
  private final double learningRate;
  private final float[] originals;
  /** The classes of {@link #originals} (a conditional model reconstructs each as its own), or null without labels. */
  private final int[] originalLabels;

  private TensorBoardListener(TensorBoardWriter writer, Dataset pictures, long seed, int stepInterval, double learningRate) {
    this.writer = writer;
    this.pictures = pictures;
    this.seed = seed;
    this.stepInterval = stepInterval;
    this.learningRate = learningRate;
    int[] chosen = Pictures.spread(pictures.count(), RECONSTRUCTIONS);
    int d = pictures.features();
    this.originals = new float[chosen.length * d];
    for (int i = 0; i < chosen.length; i++) pictures.copyPixels(chosen[i], 1, originals, i * d);
    this.originalLabels = pictures.labels() == null ? null : java.util.Arrays.stream(chosen).map(i -> pictures.labels()[i]).toArray();
  }

  /**
   * Starts a new event file in {@code dir} (created if needed) for a run trained with {@code
   * options}; {@code pictures} supplies the images to reconstruct and their size, {@code seed} the
   * fixed noise of the pictures.
   */
  public static TensorBoardListener create(Path dir, Dataset pictures, TrainOptions options, long seed, int stepInterval)
      throws IOException {
    if (stepInterval <= 0) throw new IllegalArgumentException("step interval must be > 0, got " + stepInterval);
    return new TensorBoardListener(TensorBoardWriter.create(dir), pictures, seed, stepInterval, options.learningRate());
  }

  /** The event file being written. */
  public Path file() {
    return writer.file();
  }

  @Override
  public int stepReportInterval() {
    return stepInterval;
  }

  @Override
  public void stepReported(StepMetrics m) {
    try {
      long step = m.globalStep();
      writer.scalar("step/loss", step, m.loss());
      writer.scalar("step/recon", step, m.recon());
      writer.scalar("step/kl", step, m.kl());
      writer.scalar("step/kl_weight", step, m.klWeight());
      writer.scalar("step/learning_rate", step, m.learningRate());
      writer.scalar("step/samples_per_s", step, m.samplesPerSecond());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void epochFinished(EpochMetrics m, Vae model) {
    try {
      long epoch = m.epoch();
      writer.scalar("epoch/train_loss", epoch, m.trainLoss());
      writer.scalar("epoch/train_recon", epoch, m.trainRecon());
      writer.scalar("epoch/train_kl", epoch, m.trainKl());
      if (Double.isFinite(m.valLoss())) {
        writer.scalar("epoch/val_loss", epoch, m.valLoss());
        writer.scalar("epoch/val_recon", epoch, m.valRecon());
        writer.scalar("epoch/val_kl", epoch, m.valKl());
      }
      writer.scalar("epoch/kl_weight", epoch, m.klWeight());
      writer.scalar("epoch/learning_rate", epoch, m.learningRate() != null ? m.learningRate() : learningRate);
      writer.scalar("epoch/samples_per_s", epoch, m.samplesPerSecond());
      if (m.trainIwae() != null) writer.scalar("epoch/train_iwae", epoch, m.trainIwae()); // --iwae-k only
      if (m.gradNorm() != null) writer.scalar("epoch/grad_norm", epoch, m.gradNorm()); // --clip-grad-norm only
      Pictures grids = Pictures.of(pictures, model, SCALE);
      image("samples", epoch, grids.samples(SAMPLES, COLUMNS, seed, false));
      image("reconstructions", epoch, grids.reconstructions(originals, originals.length / pictures.features(), COLUMNS, seed,
          model.config().conditioning().conditional() ? originalLabels : null));
      writer.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void image(String tag, long step, BufferedImage image) throws IOException {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    if (!ImageIO.write(image, "png", png)) throw new IOException("no PNG writer available");
    writer.image(tag, step, image.getHeight(), image.getWidth(), image.getColorModel().getNumComponents(), png.toByteArray());
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }
}
