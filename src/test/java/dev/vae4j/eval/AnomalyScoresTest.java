package dev.vae4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.Vae;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.data.Dataset;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.data.Datasets;
import dev.vae4j.model.ParameterLayout;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.layer.Linear;
import dev.vae4j.train.TrainOptions;
import dev.vae4j.train.Trainer;
import dev.vae4j.train.TrainingListener;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The anomaly scores on a small model briefly trained on the bundled digits, against double-precision references. */
class AnomalyScoresTest {
  private static CpuBackend backend;
  private static Vae model;
  private static Dataset test, training;
  private final long seed = System.nanoTime();

  @BeforeAll
  static void train() throws Exception {
    backend = new CpuBackend();
    DatasetSplit digits = Datasets.bundledDigits();
    model = Vae.create(VaeConfig.mlp(784, new int[] {48}, 4, Likelihood.BERNOULLI), backend, 3);
    Trainer.fit(model, digits, new TrainOptions(1, 64, 2e-3, 0, false, 1f, 0, 3, 0, false, 0), new TrainingListener() {});
    test = digits.test().subset(java.util.stream.IntStream.range(0, 30).map(i -> i * 53).toArray(), "test subset");
    training = digits.train().subset(java.util.stream.IntStream.range(0, 300).map(i -> i * 27).toArray(), "train subset");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  private static double[] score(ScoreKind kind, long seed) {
    return AnomalyScores.of(kind, model, test, training, 20, seed, done -> {});
  }

  /** The training codes handed in (one encoding for several kinds and datasets) give the same scores as computed inside. */
  @Test
  void precomputedTrainingCodesGiveTheSameScores() {
    Encodings codes = Encodings.of(model, training);
    for (ScoreKind kind : new ScoreKind[] {ScoreKind.MAHALANOBIS, ScoreKind.KNN, ScoreKind.COMBINED}) {
      assertArrayEquals(score(kind, seed), AnomalyScores.of(kind, model, test, training, codes, 20, seed, done -> {}),
          kind.cliName());
    }
  }

  @Test
  void reconstructionErrorMatchesADoubleForwardPass() {
    double[] mse = score(ScoreKind.RECON_MSE, seed);
    float[] params = model.parameters();
    ParameterLayout layout = model.layout();
    List<Linear> dec = layout.decoder().stream().map(l -> (Linear) l).toList();
    for (int i = 0; i < test.count(); i++) {
      double[] x = new double[784];
      for (int p = 0; p < 784; p++) x[p] = test.pixels()[i * 784 + p];
      double[] stats = dense(params, layout.heads(), dense(params, (Linear) layout.encoder().get(0), x, true), false);
      double[] logits = dense(params, dec.get(1), dense(params, dec.get(0), Arrays.copyOf(stats, 4), true), false);
      double sum = 0;
      for (int p = 0; p < 784; p++) {
        double e = x[p] - 1 / (1 + Math.exp(-logits[p]));
        sum += e * e;
      }
      assertEquals(sum / 784, mse[i], 1e-5 * sum / 784 + 1e-9, "image " + i);
    }
  }

  @Test
  void mahalanobisIsTheSmallestDistanceToAClassGaussian() {
    double[] scores = score(ScoreKind.MAHALANOBIS, seed);
    Encodings train = Encodings.of(model, training), codes = Encodings.of(model, test);
    int d = 4;
    double[] best = new double[test.count()];
    Arrays.fill(best, Double.POSITIVE_INFINITY);
    for (int c = 0; c < 10; c++) {
      double[] mean = new double[d], cov = new double[d * d];
      int n = 0;
      for (int i = 0; i < training.count(); i++) {
        if (training.labels()[i] != c) continue;
        n++;
        for (int j = 0; j < d; j++) mean[j] += train.mu()[i * d + j];
      }
      for (int j = 0; j < d; j++) mean[j] /= n;
      for (int i = 0; i < training.count(); i++) {
        if (training.labels()[i] != c) continue;
        for (int a = 0; a < d; a++) {
          for (int b = 0; b < d; b++) cov[a * d + b] += (train.mu()[i * d + a] - mean[a]) * (train.mu()[i * d + b] - mean[b]) / n;
        }
      }
      double trace = 0;
      for (int a = 0; a < d; a++) trace += cov[a * d + a];
      for (int a = 0; a < d; a++) cov[a * d + a] += 1e-6 * trace / d + 1e-12;
      double[] inverse = invert(cov, d);
      for (int i = 0; i < test.count(); i++) {
        double sq = 0;
        for (int a = 0; a < d; a++) {
          for (int b = 0; b < d; b++) sq += (codes.mu()[i * d + a] - mean[a]) * inverse[a * d + b] * (codes.mu()[i * d + b] - mean[b]);
        }
        best[i] = Math.min(best[i], Math.sqrt(sq));
      }
    }
    for (int i = 0; i < best.length; i++) assertEquals(best[i], scores[i], 1e-9 * best[i], "image " + i);
  }

  @Test
  void oneGaussianForUnlabelledTrainingCodes() {
    Encodings train = Encodings.of(model, training);
    LatentGaussians one = LatentGaussians.fit(train, null);
    assertEquals(1, one.size());
    // The training codes' mean squared Mahalanobis distance to their own Gaussian is the dimension.
    double mean = 0;
    for (double dist : one.distances(train)) mean += dist * dist / train.count();
    assertEquals(4, mean, 1e-4);
  }

  @Test
  void knnIsTheMeanDistanceToTheFiveNearestTrainingCodes() {
    double[] scores = score(ScoreKind.KNN, seed);
    Encodings train = Encodings.of(model, training), codes = Encodings.of(model, test);
    for (int i = 0; i < test.count(); i++) {
      double[] all = new double[train.count()];
      for (int n = 0; n < all.length; n++) {
        double sq = 0;
        for (int j = 0; j < 4; j++) sq += Math.pow((double) codes.mu()[i * 4 + j] - train.mu()[n * 4 + j], 2);
        all[n] = Math.sqrt(sq);
      }
      Arrays.sort(all);
      double expected = (all[0] + all[1] + all[2] + all[3] + all[4]) / 5;
      assertEquals(expected, scores[i], 1e-12 * expected, "image " + i);
    }
  }

  @Test
  void knnWithRandomCodesAndFewerTrainingCodesThanK() {
    SplittableRandom random = new SplittableRandom(seed);
    float[] q = new float[3 * 2], t = new float[3 * 2];
    for (int i = 0; i < 6; i++) {
      q[i] = (float) random.nextGaussian();
      t[i] = (float) random.nextGaussian();
    }
    double[] got = NearestNeighbours.meanDistances(new Encodings(q, q, 3, 2), new Encodings(t, t, 3, 2), 5);
    for (int i = 0; i < 3; i++) {
      double sum = 0;
      for (int n = 0; n < 3; n++) sum += Math.hypot((double) q[2 * i] - t[2 * n], (double) q[2 * i + 1] - t[2 * n + 1]);
      assertEquals(sum / 3, got[i], 1e-12, "seed " + seed);
    }
  }

  @Test
  void knnLeavingTheNearestOutSkipsATrainingImagesOwnCode() {
    Encodings train = Encodings.of(model, training);
    double[] without = NearestNeighbours.meanDistances(train, train, 5, 1);
    for (int i = 0; i < train.count(); i += 37) {
      double[] all = new double[train.count()];
      for (int n = 0; n < all.length; n++) {
        double sq = 0;
        for (int j = 0; j < 4; j++) sq += Math.pow((double) train.mu()[i * 4 + j] - train.mu()[n * 4 + j], 2);
        all[n] = Math.sqrt(sq);
      }
      Arrays.sort(all);
      assertEquals(0, all[0], "its own code");
      assertEquals((all[1] + all[2] + all[3] + all[4] + all[5]) / 5, without[i], 1e-12 * without[i], "image " + i);
    }
  }

  @Test
  void combinedAddsTheLogZScoresOfTheThreeScoresFittedOnTrainingImages() {
    double[] got = score(ScoreKind.COMBINED, seed);
    // The reference: the three scores of the evenly spaced training sample (all 300 here, at most 2,000).
    int[] every = CombinedScore.evenlySpaced(training.count(), CombinedScore.REFERENCE_IMAGES);
    assertEquals(300, every.length);
    Encodings train = Encodings.of(model, training);
    double[][] normal = {
        ReconstructionError.meanSquared(model, training, train, d -> {}),
        LatentGaussians.fit(train, training.labels()).distances(train),
        NearestNeighbours.meanDistances(train, train, 5, 1)};
    double[][] scores = {score(ScoreKind.RECON_MSE, seed), score(ScoreKind.MAHALANOBIS, seed), score(ScoreKind.KNN, seed)};
    for (int i = 0; i < test.count(); i++) {
      double expected = 0;
      for (int s = 0; s < 3; s++) {
        double mean = Arrays.stream(normal[s]).map(Math::log).average().orElseThrow();
        double var = Arrays.stream(normal[s]).map(v -> Math.pow(Math.log(v) - mean, 2)).average().orElseThrow();
        expected += (Math.log(scores[s][i]) - mean) / Math.sqrt(var);
      }
      assertEquals(expected, got[i], 1e-9 * Math.max(1, Math.abs(expected)), "image " + i);
    }
  }

  @Test
  void likelihoodRatioIsTheElboMinusTheBackgroundModelsElbo() {
    Vae background = Vae.create(model.config(), backend, 11); // any model of the same shape serves here
    double[] got = AnomalyScores.likelihoodRatio(model, background, test, 20, seed, done -> {});
    Estimates a = LikelihoodEstimator.estimate(model, test, 20, seed), b = LikelihoodEstimator.estimate(background, test, 20, seed);
    for (int i = 0; i < test.count(); i++) assertEquals(a.negativeElbo(i) - b.negativeElbo(i), got[i], 0, "image " + i);
    assertThrows(IllegalArgumentException.class, () -> AnomalyScores.of(ScoreKind.LIKELIHOOD_RATIO, model, test, training, 1, 1, d -> {}));
  }

  @Test
  void logZScoresByHandAndEvenlySpacedSamples() {
    // log normal = {0, 2}: mean 1, sd 1; a score of e^3 is z = 2; a zero score is floored, not -Inf.
    double[] z = CombinedScore.sumOfLogZScores(new double[][] {{Math.exp(3), 0}}, new double[][] {{1, Math.exp(2)}});
    assertEquals(2, z[0], 1e-12);
    assertTrue(Double.isFinite(z[1]) && z[1] < -20, "floored: " + z[1]);
    // A reference of identical scores has no spread: the score counts unscaled.
    assertEquals(1, CombinedScore.sumOfLogZScores(new double[][] {{Math.E * Math.E}}, new double[][] {{Math.E, Math.E}})[0], 1e-12);
    assertArrayEquals(new int[] {0, 2, 5, 7}, CombinedScore.evenlySpaced(10, 4));
    assertArrayEquals(new int[] {0, 1, 2}, CombinedScore.evenlySpaced(3, 2000));
  }

  @Test
  void complexityIsTheElboInBitsMinusTheDeflateLength() throws Exception {
    double[] scores = score(ScoreKind.COMPLEXITY, seed);
    Estimates e = LikelihoodEstimator.estimate(model, test, 20, seed);
    double[] bits = CompressedLength.bits(test);
    for (int i = 0; i < test.count(); i++) {
      assertEquals(e.negativeElbo(i) / Math.log(2) - bits[i], scores[i], 1e-9 * Math.abs(scores[i]), "Bernoulli: no discretization term");
      // The length is that of a valid raw DEFLATE stream of the image's bytes.
      byte[] raw = new byte[784];
      for (int p = 0; p < 784; p++) raw[p] = (byte) Math.round(test.pixels()[i * 784 + p] * 255);
      byte[] packed = new byte[4096];
      java.util.zip.Deflater deflater = new java.util.zip.Deflater(9, true);
      int n = CompressedLength.deflate(deflater, raw, packed);
      deflater.end();
      assertEquals(8.0 * n, bits[i]);
      Inflater inflater = new Inflater(true);
      inflater.setInput(packed, 0, n);
      byte[] back = new byte[784];
      assertEquals(784, inflater.inflate(back));
      inflater.end();
      assertArrayEquals(raw, back);
    }
    Dataset flat = new Dataset("flat", new float[2 * 784], null, 2, 28, 28);
    assertTrue(CompressedLength.bits(flat)[0] < 100, "a blank image compresses to a few bytes");
  }

  @Test
  void elboAndIwaeAreTheEstimatorsFiguresAndEveryScoreRepeatsForASeed() {
    Estimates e = LikelihoodEstimator.estimate(model, test, 20, seed);
    assertArrayEquals(ScoreKind.ELBO.scores(e), score(ScoreKind.ELBO, seed));
    assertArrayEquals(ScoreKind.IWAE.scores(e), score(ScoreKind.IWAE, seed));
    for (ScoreKind kind : ScoreKind.values()) {
      if (!kind.needsBackground()) assertArrayEquals(score(kind, seed), score(kind, seed), kind.cliName());
    }
  }

  @Test
  void namesParseAndUnknownOnesListTheChoices() {
    assertEquals(ScoreKind.RECON_MSE, ScoreKind.parse("recon-mse"));
    assertEquals(ScoreKind.KNN, ScoreKind.parse("KNN"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScoreKind.parse("ink"));
    assertTrue(e.getMessage().contains("elbo, iwae, recon-mse, mahalanobis, knn, complexity, combined, likelihood-ratio"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> AnomalyScores.of(ScoreKind.KNN, model, test, null, 1, 1, d -> {}));
  }

  /** Gauss-Jordan inverse of a small symmetric positive definite matrix. */
  private static double[] invert(double[] a, int d) {
    double[] m = a.clone(), inv = new double[d * d];
    for (int i = 0; i < d; i++) inv[i * d + i] = 1;
    for (int c = 0; c < d; c++) {
      double pivot = m[c * d + c];
      for (int j = 0; j < d; j++) {
        m[c * d + j] /= pivot;
        inv[c * d + j] /= pivot;
      }
      for (int r = 0; r < d; r++) {
        if (r == c) continue;
        double f = m[r * d + c];
        for (int j = 0; j < d; j++) {
          m[r * d + j] -= f * m[c * d + j];
          inv[r * d + j] -= f * inv[c * d + j];
        }
      }
    }
    return inv;
  }

  /** {@code act(W x + b)} in double for one layer of the flat parameters. */
  private static double[] dense(float[] params, Linear l, double[] x, boolean relu) {
    double[] y = new double[l.out()];
    for (int o = 0; o < l.out(); o++) {
      double s = params[(int) l.biasOffset() + o];
      for (int i = 0; i < l.in(); i++) s += params[(int) l.weightOffset() + o * l.in() + i] * x[i];
      y[o] = relu ? Math.max(0, s) : s;
    }
    return y;
  }
}
