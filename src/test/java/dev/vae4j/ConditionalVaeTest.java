package dev.vae4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.data.Dataset;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.data.Datasets;
import dev.vae4j.io.SafeTensors;
import dev.vae4j.model.Conditioning;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.layer.Shape;
import dev.vae4j.train.ResidentLabels;
import dev.vae4j.train.TrainOptions;
import dev.vae4j.train.Trainer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** A conditional VAE ({@code --conditional}) through the API: its model file, and samples of a chosen class. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConditionalVaeTest {
  private Backend backend;

  @BeforeAll
  void open() {
    backend = new CpuBackend();
  }

  @AfterAll
  void close() {
    backend.close();
  }

  /** The one-hot's weight columns sit in PyTorch's natural layout ([H, D + C], [H, L + C]); the file rebuilds the model. */
  @Test
  void aConditionalModelFileRoundTrips(@TempDir Path dir) throws Exception {
    VaeConfig config = VaeConfig.mlp(new Shape(1, 28, 28), new int[] {24}, 3, Likelihood.BERNOULLI)
        .withConditioning(new Conditioning(10, List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "nine")));
    Vae model = Vae.create(config, backend, 5);
    Path file = dir.resolve("model.safetensors");
    model.save(file, Map.of());
    SafeTensors.Contents contents = SafeTensors.read(file);
    assertArrayEquals(new long[] {24, 784 + 10}, contents.require("enc.fc.weight", "f").shape());
    assertArrayEquals(new long[] {24, 3 + 10}, contents.require("dec.fc.weight", "f").shape());
    assertArrayEquals(new long[] {784, 24}, contents.require("dec.out.weight", "f").shape());
    Vae loaded = Vae.load(file, backend);
    assertEquals(config, loaded.config());
    assertEquals("nine", loaded.config().conditioning().name(9));
    assertArrayEquals(model.parameters(), loaded.parameters());
    // Without labels a conditional model cannot decode; with them it does.
    assertThrows(IllegalArgumentException.class, () -> loaded.sample(4, 1));
    assertEquals(4 * 784, loaded.sample(4, 1, new int[] {0, 3, 9, 3}).length);
  }

  /** A conv model's one-hot sits beside the flattened features: enc.fc.0.weight [H, F + C]; its file rebuilds it. */
  @Test
  void aConditionalConvModelFileRoundTrips(@TempDir Path dir) throws Exception {
    VaeConfig config = VaeConfig.conv(new Shape(1, 28, 28), new int[] {4, 8}, new int[] {16}, 3, Likelihood.BERNOULLI)
        .withConditioning(Conditioning.of(10));
    Vae model = Vae.create(config, backend, 5);
    Path file = dir.resolve("conv.safetensors");
    model.save(file, Map.of());
    SafeTensors.Contents contents = SafeTensors.read(file);
    assertArrayEquals(new long[] {16, 8 * 7 * 7 + 10}, contents.require("enc.fc.0.weight", "f").shape());
    assertArrayEquals(new long[] {16, 3 + 10}, contents.require("dec.fc.0.weight", "f").shape());
    Vae loaded = Vae.load(file, backend);
    assertEquals(config, loaded.config());
    assertArrayEquals(model.parameters(), loaded.parameters());
    assertEquals(2 * 784, loaded.sample(2, 1, new int[] {4, 7}).length);
  }

  /**
   * ELBO-type scores of a conditional model: with the data's labels, each image's own class's
   * (the same figures as a run of that class alone: the noise is per image); without labels, per
   * image those of the class with the highest log p(x | class), i.e. the lowest score.
   */
  @Test
  void scoresUseTheOwnLabelElseTheBestClass() throws Exception {
    Dataset test = Datasets.bundledDigits().test();
    int count = 24, classes = 10;
    Dataset images = test.subset(java.util.stream.IntStream.range(0, count).toArray(), "some");
    VaeConfig config = VaeConfig.mlp(new Shape(1, 28, 28), new int[] {24}, 3, Likelihood.BERNOULLI)
        .withConditioning(Conditioning.of(classes));
    Vae model = Vae.create(config, backend, 9);
    int k = 4;
    dev.vae4j.eval.Estimates own = dev.vae4j.eval.LikelihoodEstimator.estimate(model, images, k, 5);
    dev.vae4j.eval.Estimates[] perClass = new dev.vae4j.eval.Estimates[classes];
    float[] pixels = new float[count * 784];
    images.copyPixels(0, count, pixels, 0);
    for (int c = 0; c < classes; c++) {
      int[] labels = new int[count];
      Arrays.fill(labels, c);
      perClass[c] = dev.vae4j.eval.LikelihoodEstimator.estimate(model,
          new Dataset("all " + c, pixels, labels, count, 1, 28, 28), k, 5);
    }
    dev.vae4j.eval.Estimates best = dev.vae4j.eval.LikelihoodEstimator.estimate(model,
        new Dataset("unlabelled", pixels, null, count, 1, 28, 28), k, 5);
    boolean differ = false;
    for (int i = 0; i < count; i++) {
      int label = images.labels()[i];
      assertEquals(perClass[label].logLikelihood()[i], own.logLikelihood()[i], 0, "image " + i + ": its own class");
      assertEquals(perClass[label].negativeElbo(i), own.negativeElbo(i), 0, "image " + i);
      int argmax = 0;
      for (int c = 1; c < classes; c++) if (perClass[c].logLikelihood()[i] > perClass[argmax].logLikelihood()[i]) argmax = c;
      assertEquals(perClass[argmax].logLikelihood()[i], best.logLikelihood()[i], 0, "image " + i + ": the best class");
      assertEquals(perClass[argmax].negativeElbo(i), best.negativeElbo(i), 0, "image " + i + ": the best class's ELBO");
      differ |= perClass[0].logLikelihood()[i] != perClass[1].logLikelihood()[i];
    }
    assertTrue(differ, "the class changes the scores");
  }

  /**
   * The quality check: 35 epochs of 784-400-2 on the bundled digits (20 left the 0s at
   * 22 of 30, read as 5s; a 20-D latent space does worse, its z carrying the class), then samples of each class
   * decoded from the prior, classified by the nearest class mean of the training images: at least
   * 80% of each class's samples are of their class.
   */
  @Test
  void samplesOfEachClassAreOfThatClass() throws Exception {
    DatasetSplit digits = Datasets.bundledDigits();
    Dataset train = digits.train();
    VaeConfig config = VaeConfig.mlp(new Shape(1, 28, 28), new int[] {400}, 2, Likelihood.BERNOULLI)
        .withConditioning(ResidentLabels.conditioning(train));
    Vae model = Vae.create(config, backend, 3);
    Trainer.fit(model, digits, new TrainOptions(35, 100, 2e-3, 0, false, 1f, 0, 3, 0.1, false, 0));
    double[][] means = classMeans(train, config.classes());
    int perClass = 30;
    StringBuilder report = new StringBuilder();
    int worst = perClass;
    for (int c = 0; c < config.classes(); c++) {
      int[] labels = new int[perClass];
      Arrays.fill(labels, c);
      float[] samples = model.sample(perClass, 11 + c, labels);
      int right = 0;
      for (int i = 0; i < perClass; i++) if (nearest(means, samples, i * 784) == c) right++;
      report.append(c).append(": ").append(right).append('/').append(perClass).append("  ");
      worst = Math.min(worst, right);
    }
    System.out.println("conditional samples classified as their class: " + report);
    assertTrue(worst >= 0.8 * perClass, "a class below 80%: " + report);
  }

  private static double[][] classMeans(Dataset d, int classes) {
    double[][] means = new double[classes][d.features()];
    int[] counts = new int[classes];
    float[] image = new float[d.features()];
    for (int i = 0; i < d.count(); i++) {
      d.copyPixels(i, 1, image, 0);
      int label = d.labels()[i];
      counts[label]++;
      for (int j = 0; j < image.length; j++) means[label][j] += image[j];
    }
    for (int c = 0; c < classes; c++) for (int j = 0; j < d.features(); j++) means[c][j] /= counts[c];
    return means;
  }

  private static int nearest(double[][] means, float[] images, int offset) {
    int best = -1;
    double bestDistance = Double.POSITIVE_INFINITY;
    for (int c = 0; c < means.length; c++) {
      double dist = 0;
      for (int j = 0; j < means[c].length; j++) {
        double e = images[offset + j] - means[c][j];
        dist += e * e;
      }
      if (dist < bestDistance) {
        bestDistance = dist;
        best = c;
      }
    }
    return best;
  }
}
