package dev.vae4j.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.Vae;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.data.Dataset;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.data.Datasets;
import dev.vae4j.io.EventFileReader;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.plot.LabelledGrid;
import dev.vae4j.train.CheckpointSink;
import dev.vae4j.train.EpochMetrics;
import dev.vae4j.train.RunControl;
import dev.vae4j.train.StepMetrics;
import dev.vae4j.train.TrainOptions;
import dev.vae4j.train.Trainer;
import dev.vae4j.train.TrainingListener;
import dev.vae4j.train.TrainingState;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorBoardListenerTest {
  @TempDir Path dir;

  /**
   * Two epochs of a small model on 1,000 digits (900 training images, batch 64: 15 steps, the last
   * one short), step reports every 4 steps: the event file holds exactly the reported values, and
   * the step losses, weighted by their samples, add up to the epoch's training loss.
   */
  @Test
  void logsStepAndEpochScalarsAndPictures() throws IOException {
    DatasetSplit all = Datasets.bundledDigits();
    int[] first = new int[1000];
    for (int i = 0; i < first.length; i++) first[i] = i;
    Dataset train = all.train().subset(first, "1000 digits");
    DatasetSplit data = new DatasetSplit("digits", train, null);
    // Clipping far above the norms: every step measures the norm, none is scaled.
    TrainOptions options = new TrainOptions(2, 64, 2e-3, 0, false, 1f, 2, 5, 0.1, false, 0).withClipGradNorm(1e6);
    List<StepMetrics> steps = new ArrayList<>();
    List<EpochMetrics> epochs = new ArrayList<>();
    Path file;
    try (Backend backend = new CpuBackend();
        TensorBoardListener tensorBoard = TensorBoardListener.create(dir, train, options, 5, 4)) {
      file = tensorBoard.file();
      Vae model = Vae.create(VaeConfig.mlp(784, new int[] {32}, 4, Likelihood.BERNOULLI), backend, 5);
      TrainingListener record = new TrainingListener() {
        @Override
        public void stepReported(StepMetrics m) {
          steps.add(m);
        }

        @Override
        public void epochFinished(EpochMetrics m, Vae v) {
          epochs.add(m);
        }
      };
      Trainer.fit(model, data, options, TrainingListener.all(record, tensorBoard));
    }

    // 15 steps per epoch: reports after steps 4, 8, 12 and the last, 15.
    assertEquals(8, steps.size());
    assertEquals(List.of(4, 8, 12, 15), steps.subList(0, 4).stream().map(StepMetrics::step).toList());
    assertEquals(30, steps.get(7).globalStep());
    for (int e = 0; e < 2; e++) {
      double recon = 0, kl = 0;
      int samples = 0;
      for (StepMetrics s : steps.subList(4 * e, 4 * e + 4)) {
        recon += s.recon() * s.samples();
        kl += s.kl() * s.samples();
        samples += s.samples();
        assertEquals(options.betaAt(e + 1), s.klWeight());
        assertEquals(s.recon() + s.klWeight() * s.kl(), s.loss(), 1e-9);
      }
      assertEquals(900, samples);
      assertEquals(epochs.get(e).trainRecon(), recon / samples, 1e-4 * epochs.get(e).trainRecon(), "epoch " + (e + 1));
      assertEquals(epochs.get(e).trainKl(), kl / samples, 1e-4 * epochs.get(e).trainKl() + 1e-5, "epoch " + (e + 1));
    }

    Map<String, Map<Long, Float>> scalars = new TreeMap<>();
    Map<String, List<EventFileReader.Image>> images = new TreeMap<>();
    for (EventFileReader.Event event : EventFileReader.read(file)) {
      for (EventFileReader.Value v : event.values()) {
        if (v.image() != null) images.computeIfAbsent(v.tag(), t -> new ArrayList<>()).add(v.image());
        else scalars.computeIfAbsent(v.tag(), t -> new TreeMap<>()).put(event.step(), v.simpleValue());
      }
    }
    for (StepMetrics s : steps) {
      assertEquals((float) s.loss(), scalars.get("step/loss").get(s.globalStep()));
      assertEquals((float) s.recon(), scalars.get("step/recon").get(s.globalStep()));
      assertEquals((float) s.kl(), scalars.get("step/kl").get(s.globalStep()));
      assertEquals((float) s.samplesPerSecond(), scalars.get("step/samples_per_s").get(s.globalStep()));
      assertEquals(2e-3f, scalars.get("step/learning_rate").get(s.globalStep()));
    }
    for (EpochMetrics m : epochs) {
      long e = m.epoch();
      assertEquals((float) m.trainLoss(), scalars.get("epoch/train_loss").get(e));
      assertEquals((float) m.valLoss(), scalars.get("epoch/val_loss").get(e));
      assertEquals((float) m.valKl(), scalars.get("epoch/val_kl").get(e));
      assertEquals(m.klWeight(), scalars.get("epoch/kl_weight").get(e));
      assertEquals((float) m.samplesPerSecond(), scalars.get("epoch/samples_per_s").get(e));
      assertEquals(2e-3f, scalars.get("epoch/learning_rate").get(e));
      assertEquals(m.gradNorm().floatValue(), scalars.get("epoch/grad_norm").get(e));
    }
    assertEquals(2, images.get("samples").size());
    assertEquals(2, images.get("reconstructions").size());
    // 64 samples of 28x28 at scale 2, 8 columns, 2 pixels apart: 8 * (56 + 2) + 2 = 466 square.
    assertPng(images.get("samples").get(1), 466, 466, 1);
    // 16 originals over 16 reconstructions: 4 rows of 8, labelled on the left.
    assertPng(images.get("reconstructions").get(1), 4 * 58 + 2, LabelledGrid.leftMargin(new String[] {"original", "reconstruction"}) + 466, 1);
  }

  /** Colour data (3 x 6 x 10 images, wider than tall) logs RGB pictures whose cells keep the images' aspect. */
  @Test
  void logsColourPicturesOfColourData() throws IOException {
    long seed = new java.util.Random().nextLong();
    System.out.println("colour pictures seed " + seed);
    java.util.Random random = new java.util.Random(seed);
    int count = 40, c = 3, h = 6, w = 10;
    byte[] pixels = new byte[count * c * h * w];
    random.nextBytes(pixels);
    Dataset colour = Dataset.ofBytes("colour", pixels, null, count, c, h, w);
    TrainOptions options = new TrainOptions(1, 8, 1e-3, 0, false, 1f, 0, 5, 0, false, 0);
    Path file;
    try (Backend backend = new CpuBackend();
        TensorBoardListener tensorBoard = TensorBoardListener.create(dir, colour, options, 5, 100)) {
      file = tensorBoard.file();
      Vae model = Vae.create(VaeConfig.mlp(new dev.vae4j.model.layer.Shape(c, h, w), new int[] {8}, 2, Likelihood.BERNOULLI),
          backend, 5);
      Trainer.fit(model, new DatasetSplit("colour", colour, null), options, tensorBoard);
    }
    Map<String, EventFileReader.Image> images = new TreeMap<>();
    for (EventFileReader.Event event : EventFileReader.read(file)) {
      for (EventFileReader.Value v : event.values()) if (v.image() != null) images.put(v.tag(), v.image());
    }
    // 64 samples in 8 columns: cells of 20 x 12 screen pixels.
    // (An untrained model's samples are mid-grey: only the originals are sure to have bright pixels.)
    assertEquals(3, images.get("samples").colorspace());
    BufferedImage samples = ImageIO.read(new ByteArrayInputStream(images.get("samples").encoded()));
    assertEquals(2 + 8 * (2 * h + 2), samples.getHeight());
    assertEquals(2 + 8 * (2 * w + 2), samples.getWidth());
    assertEquals(3, samples.getRaster().getNumBands());
    assertPng(images.get("reconstructions"), 2 + 4 * (2 * h + 2),
        LabelledGrid.leftMargin(new String[] {"original", "reconstruction"}) + 2 + 8 * (2 * w + 2), 3);
  }

  /**
   * A run resumed mid-epoch (after batch 6) reports only the batches it trains: 7 and 8 in its first
   * report, then exactly what the uninterrupted run reports.
   */
  @Test
  void aResumedEpochReportsOnlyItsOwnBatches() throws IOException {
    DatasetSplit all = Datasets.bundledDigits();
    int[] first = new int[1000];
    for (int i = 0; i < first.length; i++) first[i] = i;
    DatasetSplit data = new DatasetSplit("digits", all.train().subset(first, "1000 digits"), null);
    TrainOptions options = new TrainOptions(2, 64, 2e-3, 0, false, 1f, 0, 9, 0.1, false, 0);
    VaeConfig config = VaeConfig.mlp(784, new int[] {16}, 2, Likelihood.BERNOULLI);
    List<TrainingState> states = new ArrayList<>();
    CheckpointSink everySixSteps = new CheckpointSink() {
      @Override
      public int stepInterval() {
        return 6;
      }

      @Override
      public void save(TrainingState state) {
        states.add(state);
      }
    };
    try (Backend backend = new CpuBackend()) {
      List<StepMetrics> straight = reports(Vae.create(config, backend, 9), data, options, new RunControl(null, everySixSteps, false));
      TrainingState afterSix = states.stream().filter(s -> s.epoch() == 0 && s.batch() == 6).findFirst().orElseThrow();
      List<StepMetrics> resumed = reports(Vae.create(config, backend, 9), data, options,
          new RunControl(afterSix, CheckpointSink.none(), false));
      assertEquals(8, resumed.get(0).step());
      assertEquals(128, resumed.get(0).samples());
      List<StepMetrics> later = straight.subList(straight.size() - resumed.size() + 1, straight.size());
      for (int i = 0; i < later.size(); i++) {
        StepMetrics a = later.get(i), b = resumed.get(i + 1);
        assertEquals(a.globalStep(), b.globalStep());
        assertEquals(a.samples(), b.samples());
        assertEquals(a.recon(), b.recon(), 1e-9 * a.recon(), "step " + a.globalStep());
        assertEquals(a.kl(), b.kl(), 1e-9 * a.kl() + 1e-12, "step " + a.globalStep());
      }
    }
  }

  private static List<StepMetrics> reports(Vae model, DatasetSplit data, TrainOptions options, RunControl control) {
    List<StepMetrics> reports = new ArrayList<>();
    Trainer.fit(model, data, options, new TrainingListener() {
      @Override
      public int stepReportInterval() {
        return 4;
      }

      @Override
      public void stepReported(StepMetrics m) {
        reports.add(m);
      }
    }, control);
    return reports;
  }

  private static void assertPng(EventFileReader.Image image, int height, int width, int channels) throws IOException {
    assertEquals(height, image.height());
    assertEquals(width, image.width());
    assertEquals(channels, image.colorspace());
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(image.encoded()));
    assertNotNull(decoded, "the payload is a PNG");
    assertEquals(height, decoded.getHeight());
    assertEquals(width, decoded.getWidth());
    assertEquals(channels, decoded.getRaster().getNumBands());
    int[] values = decoded.getRaster().getPixels(0, 0, width, height, (int[]) null);
    assertTrue(java.util.Arrays.stream(values).anyMatch(v -> v > 200), "some ink is drawn");
  }
}
