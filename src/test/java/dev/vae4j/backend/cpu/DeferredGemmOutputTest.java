package dev.vae4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A GEMM's output stays in its tensor's off-heap mirror until the heap is asked for ({@link
 * CpuTensor}): every way of reading it afterwards sees the GEMM's values, writes around it are kept,
 * and Adam reading the gradients from the mirror ({@link LoopKernels#adamFromMirrors}) computes the
 * bits the heap kernel does. Random inputs; the seed is printed in every message.
 */
class DeferredGemmOutputTest {
  private final long seed = new Random().nextLong();
  private final Random random = new Random(seed);

  @Test
  void adamFromMirrorsHasTheHeapKernelsBitsForBothKernelKinds() {
    int n = 300 + random.nextInt(200);
    float[] p = randoms(n), g = randoms(n), g2 = randoms(n), m = randoms(n), v = randoms(n);
    for (int i = 0; i < n; i++) v[i] = Math.abs(v[i]);
    int from = random.nextInt(20), to = n - random.nextInt(20);
    for (boolean decoupled : new boolean[] {false, true}) {
      AdamStep k = AdamStep.of(new AdamParams(1e-3, 0.9, 0.999, 1e-8, random.nextBoolean() ? 0 : 1e-2, decoupled),
          1 + random.nextInt(100));
      for (boolean twoParts : new boolean[] {false, true}) {
        float[] ep = p.clone(), em = m.clone(), ev = v.clone();
        new ScalarLoopKernels().adam(ep, 0, g, 0, twoParts ? g2 : null, 0, em, 0, ev, 0, from, to, k);
        for (LoopKernels kernels : new LoopKernels[] {new ScalarLoopKernels(), new VectorLoopKernels()}) {
          float[] ap = p.clone(), am = m.clone(), av = v.clone();
          kernels.adamFromMirrors(ap, am, av, direct(g), twoParts ? direct(g2) : null, from, to, k);
          String what = kernels.describe() + (twoParts ? ", two parts" : ", one part") + ", " + k + " (seed " + seed + ")";
          assertBits(ep, ap, "parameters, " + what);
          assertBits(em, am, "first moments, " + what);
          assertBits(ev, av, "second moments, " + what);
        }
      }
    }
  }

  @Test
  void aGemmsOutputReadsTheSameThroughTheHeapAnotherGemmAndASlice() {
    try (CpuBackend backend = new CpuBackend(2)) {
      int m = 5 + random.nextInt(20), n = 3 + random.nextInt(20), k = 2 + random.nextInt(20);
      float[] a = randoms(m * k), b = randoms(k * n);
      Tensor at = upload(backend, a), bt = upload(backend, b), c = backend.allocate(m * n);
      backend.gemm(false, false, m, n, k, 1f, at, bt, 0f, c);
      assertNotNull(((CpuTensor) c).mirrorForRead(), "the output is pending in the mirror (seed " + seed + ")");
      float[] expected = product(a, b, m, n, k);
      // Another GEMM reads it through the mirror (c^T c), before anything reads its heap.
      Tensor gram = backend.allocate(n * n);
      backend.gemm(true, false, n, n, m, 1f, c, c, 0f, gram);
      float[] cHeap = backend.download(c);
      assertClose(expected, cHeap, "the heap once asked for");
      assertClose(product(transpose(cHeap, m, n), cHeap, n, n, m), backend.download(gram), "c^T c read through the mirror");
      assertNull(((CpuTensor) c).mirrorForRead(), "nothing pending once the heap was read (seed " + seed + ")");
      int first = random.nextInt(m * n), count = 1 + random.nextInt(m * n - first);
      backend.gemm(false, false, m, n, k, 1f, at, bt, 0f, c);
      assertClose(Arrays.copyOfRange(expected, first, first + count),
          backend.download(backend.slice(c, first, count)), "a slice of a pending output");
      // Reading the slice copied only its piece back: the rest is still pending, and still right.
      assertEquals(count < m * n, ((CpuTensor) c).mirrorForRead() != null, "the rest pending (seed " + seed + ")");
      assertClose(expected, backend.download(c), "the whole output after a slice of it was read");
    }
  }

  @Test
  void heapWritesBesideAPendingOutputAndAPartialWriteKeepTheRest() {
    try (CpuBackend backend = new CpuBackend(1)) {
      int m = 4 + random.nextInt(8), n = 4 + random.nextInt(8), k = 3 + random.nextInt(8), tail = 1 + random.nextInt(30);
      float[] a = randoms(m * k), b = randoms(k * n), before = randoms(m * n + tail);
      Tensor at = upload(backend, a), bt = upload(backend, b), whole = upload(backend, before);
      Tensor c = backend.slice(whole, 0, m * n), rest = backend.slice(whole, m * n, tail);
      backend.fill(rest, 0.25f); // a heap write beside the output to come
      Tensor longer = backend.allocate(m * n + tail);
      backend.upload(before, longer);
      backend.gemm(false, false, m, n, k, 1f, at, bt, 0f, c);
      backend.gemm(false, false, m, n, k, 1f, at, bt, 0f, longer); // writes its first m x n floats only
      float[] expected = product(a, b, m, n, k);
      float[] all = backend.download(whole), partial = backend.download(longer);
      for (int i = 0; i < tail; i++) {
        assertEquals(0.25f, all[m * n + i], "the filled rest, element " + i + " (seed " + seed + ")");
        assertEquals(before[m * n + i], partial[m * n + i], "beyond a partial write, element " + i + " (seed " + seed + ")");
      }
      assertClose(expected, Arrays.copyOf(all, m * n), "the output beside the fill");
      assertClose(expected, Arrays.copyOf(partial, m * n), "the partial write");
    }
  }

  @Test
  void adamOnGradientsLeftInTheMirrorsMatchesAdamOnUploadedOnes() {
    int rows = 3 + random.nextInt(6), out = 7 + random.nextInt(30), in = 5 + random.nextInt(30);
    int weights = out * in, n = weights + out; // a layer's weight gradient (a GEMM's) then its bias gradient (the heap's)
    float[] dy = randoms(rows * out), x = randoms(rows * in), dy2 = randoms(rows * out);
    float[] bias = randoms(out), bias2 = randoms(out), p = randoms(n), m = randoms(n), v = randoms(n);
    for (int i = 0; i < n; i++) v[i] = Math.abs(v[i]);
    AdamParams adam = AdamParams.pytorchDefaults(1e-3);
    float[][] results = new float[2][];
    for (int route = 0; route < 2; route++) {
      try (CpuBackend backend = new CpuBackend(2)) {
        Tensor grads = backend.allocate(n), grads2 = backend.allocate(n);
        Tensor[] parts = {grads, grads2};
        float[][] dys = {dy, dy2}, biases = {bias, bias2};
        for (int q = 0; q < 2; q++) {
          backend.upload(biases[q], 0, parts[q], weights, out); // first: an upload reads the heap, copying pending ranges back
          Tensor dW = backend.slice(parts[q], 0, weights);
          backend.gemm(true, false, out, in, rows, 1f, upload(backend, dys[q]), upload(backend, x), 0f, dW);
          if (route == 1) backend.upload(backend.download(parts[q]), parts[q]); // through the heap
        }
        assertEquals(route == 0, ((CpuTensor) grads).mirrorForRead() != null, "route " + route + " (seed " + seed + ")");
        Tensor params = upload(backend, p), mt = upload(backend, m), vt = upload(backend, v);
        Tensor half = backend.slice(params, 0, n / 2), rest = backend.slice(params, n / 2, n - n / 2);
        backend.adamUpdate(half, new Tensor[] {backend.slice(grads, 0, n / 2), backend.slice(grads2, 0, n / 2)},
            backend.slice(mt, 0, n / 2), backend.slice(vt, 0, n / 2), adam, 7);
        backend.adamUpdate(rest, new Tensor[] {backend.slice(grads, n / 2, n - n / 2), backend.slice(grads2, n / 2, n - n / 2)},
            backend.slice(mt, n / 2, n - n / 2), backend.slice(vt, n / 2, n - n / 2), adam, 7);
        // What the next step's GEMMs read: the parameters through their mirror (times 1, exact).
        Tensor throughMirror = backend.allocate(n);
        backend.gemm(true, false, n, 1, 1, 1f, params, upload(backend, new float[] {1f}), 0f, throughMirror);
        float[] heapParams = backend.download(params);
        assertBits(heapParams, backend.download(throughMirror), "the parameters' mirror after Adam, route " + route);
        results[route] = concat(heapParams, backend.download(mt), backend.download(vt));
      }
    }
    assertBits(results[1], results[0], "Adam from the mirrors against Adam from the heap");
  }

  @Test
  void moreThanTwoPartsOfGemmWrittenGradientsSumAsUploadedOnes() {
    int parts = 3 + random.nextInt(3), rows = 2 + random.nextInt(5), out = 5 + random.nextInt(20), in = 3 + random.nextInt(20);
    int n = out * in;
    float[] x = randoms(rows * in), p = randoms(n), m = randoms(n), v = randoms(n);
    for (int i = 0; i < n; i++) v[i] = Math.abs(v[i]);
    float[][] dys = new float[parts][];
    for (int q = 0; q < parts; q++) dys[q] = randoms(rows * out);
    float[][] results = new float[2][];
    for (int route = 0; route < 2; route++) {
      try (CpuBackend backend = new CpuBackend(2)) {
        Tensor[] grads = new Tensor[parts];
        for (int q = 0; q < parts; q++) {
          grads[q] = backend.allocate(n);
          backend.gemm(true, false, out, in, rows, 1f, upload(backend, dys[q]), upload(backend, x), 0f, grads[q]);
          if (route == 1) backend.upload(backend.download(grads[q]), grads[q]); // through the heap
        }
        Tensor params = upload(backend, p), mt = upload(backend, m), vt = upload(backend, v);
        backend.gemm(true, false, n, 1, 1, 1f, params, upload(backend, new float[] {1f}), 0f, backend.allocate(n));
        backend.adamUpdate(params, grads, mt, vt, AdamParams.pytorchDefaults(1e-3), 3);
        results[route] = concat(backend.download(params), backend.download(mt), backend.download(vt));
      }
    }
    assertBits(results[1], results[0], parts + " parts, GEMM-written against uploaded");
  }

  private Tensor upload(CpuBackend backend, float[] values) {
    Tensor t = backend.allocate(values.length);
    backend.upload(values, t);
    return t;
  }

  private float[] randoms(int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = (float) random.nextGaussian();
    return a;
  }

  private static ByteBuffer direct(float[] a) {
    ByteBuffer b = ByteBuffer.allocateDirect(4 * a.length).order(ByteOrder.nativeOrder());
    b.asFloatBuffer().put(a);
    return b;
  }

  private static float[] product(float[] a, float[] b, int m, int n, int k) {
    float[] c = new float[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int l = 0; l < k; l++) sum += (double) a[i * k + l] * b[l * n + j];
        c[i * n + j] = (float) sum;
      }
    }
    return c;
  }

  private static float[] transpose(float[] a, int rows, int cols) {
    float[] t = new float[a.length];
    for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c];
    return t;
  }

  private static float[] concat(float[]... arrays) {
    int n = 0;
    for (float[] a : arrays) n += a.length;
    float[] all = new float[n];
    int at = 0;
    for (float[] a : arrays) {
      System.arraycopy(a, 0, all, at, a.length);
      at += a.length;
    }
    return all;
  }

  /** Float32 sums of a few terms against the double reference: a few ulps of the terms' size. */
  private void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + " (seed " + seed + ")");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-4 * (1 + Math.abs(expected[i])), what + ", element " + i + " (seed " + seed + ")");
    }
  }

  private void assertBits(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
          what + ", element " + i + " (seed " + seed + "): " + expected[i] + " vs " + actual[i]);
    }
  }
}
