package dev.vae4j.backend;

import org.junit.jupiter.api.Test;

/**
 * The contract of {@link StackedOps}, for any backend: each stacked op gives, on every model's
 * block, what the single-model op gives on that block alone (on the same backend, whose single ops
 * their own contracts check against double-precision references), to float rounding; blocks of a
 * strided stack lie in strides longer than they are, and what lies between them is left alone.
 * Random inputs (the seed is in every failure message), odd sizes, outputs poisoned with NaN.
 */
public interface StackedOpsContract extends OpsContract {
  /** Float rounding: the CUDA GEMMs may block differently per batch; the kernels share their code. */
  double REL = 1e-5, ABS = 1e-6;

  private void assertAllClose(float[] expected, float[] actual, String what) {
    if (expected.length != actual.length) throw new AssertionError(what + ": lengths " + expected.length + ", " + actual.length);
    for (int i = 0; i < expected.length; i++) {
      if (Float.isNaN(expected[i]) && Float.isNaN(actual[i])) continue;
      assertClose(expected[i], actual[i], REL, ABS, what + " [" + i + "]");
    }
  }

  private Tensor block(Tensor t, int model, long stride, long size) {
    return backend().slice(t, model * stride, size);
  }

  private StackModels models(int count) {
    long[] seeds = new long[count];
    float[] betas = new float[count];
    AdamParams[] adam = new AdamParams[count];
    for (int i = 0; i < count; i++) {
      seeds[i] = random().nextLong();
      betas[i] = 0.25f + random().nextFloat() * 2;
      adam[i] = new AdamParams(1e-3 * (1 + i), 0.9 - 0.05 * (i % 2), 0.999, i % 2 == 0 ? 1e-8 : 1e-3,
          i % 3 == 0 ? 0 : 1e-2, i % 3 == 2);
    }
    return new StackModels(seeds, betas, adam);
  }

  @Test
  default void stackedGemmIsEachModelsGemm() {
    Backend b = backend();
    int models = 3, m = 7, n = 5, k = 9;
    for (int t = 0; t < 4; t++) {
      boolean transA = (t & 1) != 0, transB = (t & 2) != 0;
      long sa = m * k + 3, sb = k * n + 5, sc = m * n + 2;
      Tensor a = upload(gaussian((int) (models * sa), 1)), bb = upload(gaussian((int) (models * sb), 1));
      Tensor c = poisoned((int) (models * sc)), single = poisoned((int) (models * sc));
      b.stackedGemm(models, transA, transB, m, n, k, 1f, a, sa, bb, sb, 0f, c, sc);
      for (int i = 0; i < models; i++) {
        b.gemm(transA, transB, m, n, k, 1f, block(a, i, sa, m * k), block(bb, i, sb, k * n), 0f, block(single, i, sc, m * n));
      }
      assertAllClose(b.download(single), b.download(c), "stackedGemm transA=" + transA + " transB=" + transB);
      for (Tensor x : new Tensor[] {a, bb, c, single}) b.release(x);
    }
  }

  @Test
  default void stackedBiasActivationAndBackwardAreEachModels() {
    Backend b = backend();
    int models = 4, rows = 11, cols = 37;
    long biasStride = cols + 13;
    for (Activation act : new Activation[] {Activation.IDENTITY, Activation.RELU, Activation.ELU, Activation.TANH}) {
      float[] x = gaussian(models * rows * cols, 1), bias = gaussian((int) (models * biasStride), 1);
      Tensor stacked = upload(x), single = upload(x), biases = upload(bias);
      b.stackedBiasActivation(models, stacked, biases, biasStride, rows, cols, act);
      for (int i = 0; i < models; i++) {
        b.biasActivation(block(single, i, rows * cols, rows * cols), block(biases, i, biasStride, cols), rows, cols, act);
      }
      assertAllClose(b.download(single), b.download(stacked), "stackedBiasActivation " + act);

      float[] dy = gaussian(models * rows * cols, 1);
      Tensor g = upload(dy), gSingle = upload(dy);
      Tensor db = poisoned((int) (models * biasStride)), dbSingle = poisoned((int) (models * biasStride));
      b.stackedActivationBackward(models, g, single, db, biasStride, rows, cols, act);
      for (int i = 0; i < models; i++) {
        b.activationBackward(block(gSingle, i, rows * cols, rows * cols), block(single, i, rows * cols, rows * cols),
            block(dbSingle, i, biasStride, cols), rows, cols, act);
      }
      assertAllClose(b.download(gSingle), b.download(g), "stackedActivationBackward " + act);
      assertAllClose(b.download(dbSingle), b.download(db), "stackedActivationBackward's bias gradients " + act);
      for (Tensor t : new Tensor[] {stacked, single, biases, g, gSingle, db, dbSingle}) b.release(t);
    }
  }

  @Test
  default void stackedNoiseIsEachModelsOwnStream() {
    Backend b = backend();
    StackModels models = models(3);
    StackTable table = b.uploadStack(models);
    long perModel = 4 * 9 + 3, stream = 1 + random().nextInt(1000);
    Tensor out = poisoned((int) (3 * perModel)), single = poisoned((int) (3 * perModel));
    b.stackedNormalNoise(table, out, perModel, stream);
    for (int i = 0; i < 3; i++) b.normalNoise(block(single, i, perModel, perModel), models.seeds()[i], stream);
    assertAllClose(b.download(single), b.download(out), "stackedNormalNoise");
    b.releaseStack(table);
  }

  @Test
  default void stackedKlAndLossSumsAreEachModels() {
    Backend b = backend();
    int count = 3, rows = 13, latent = 5;
    StackModels models = models(count);
    StackTable table = b.uploadStack(models);
    float[] stats = gaussian(count * rows * 2 * latent, 1);
    Tensor s = upload(stats), kl = poisoned(count * rows), klSingle = poisoned(count * rows);
    Tensor ds = poisoned(count * rows * 2 * latent), dsSingle = poisoned(count * rows * 2 * latent);
    float perRow = 1f / rows;
    b.stackedKlDivergence(table, s, rows, latent, kl, ds, perRow);
    long statsSize = 2L * rows * latent;
    for (int i = 0; i < count; i++) {
      b.klDivergence(block(s, i, statsSize, statsSize), rows, latent, block(klSingle, i, rows, rows),
          block(dsSingle, i, statsSize, statsSize), models.betas()[i] * perRow);
    }
    assertAllClose(b.download(klSingle), b.download(kl), "stackedKlDivergence");
    assertAllClose(b.download(dsSingle), b.download(ds), "stackedKlDivergence's gradient");

    float[] start = gaussian(2 * count, 1);
    Tensor sums = upload(start), sumsSingle = upload(start);
    Tensor recon = upload(gaussian(count * rows, 3));
    b.stackedLossSums(count, recon, kl, rows, sums);
    for (int i = 0; i < count; i++) {
      b.accumulateSum(block(recon, i, rows, rows), rows, sumsSingle, 2 * i);
      b.accumulateSum(block(kl, i, rows, rows), rows, sumsSingle, 2 * i + 1);
    }
    assertAllClose(b.download(sumsSingle), b.download(sums), "stackedLossSums");
    b.releaseStack(table);
  }

  @Test
  default void stackedAdamIsEachModelsAdamAndLeavesThePaddingAlone() {
    Backend b = backend();
    int count = 3;
    long length = 1000 + random().nextInt(100), stride = length + 24;
    StackModels models = models(count);
    StackTable table = b.uploadStack(models);
    int n = (int) (count * stride);
    float[] p = gaussian(n, 1), g = gaussian(n, 0.1f), v = uniform(n), m = gaussian(n, 0.01f);
    Tensor[] stacked = {upload(p), upload(g), upload(m), upload(v)}, single = {upload(p), upload(g), upload(m), upload(v)};
    for (long step = 1; step <= 3; step++) {
      b.stackedAdamUpdate(table, stacked[0], stacked[1], stacked[2], stacked[3], stride, length, step);
      for (int i = 0; i < count; i++) {
        b.adamUpdate(block(single[0], i, stride, length), block(single[1], i, stride, length),
            block(single[2], i, stride, length), block(single[3], i, stride, length), models.adam()[i], step);
      }
    }
    for (int t = 0; t < 4; t++) assertAllClose(b.download(single[t]), b.download(stacked[t]), "stackedAdamUpdate buffer " + t);
    b.releaseStack(table);
  }
}
