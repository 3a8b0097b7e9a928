package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.backend.Activation;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The row-major-to-cuBLASLt mapping of a layer's GEMMs, checked without a GPU: a small emulator
 * runs the column-major matmul a key describes (as cuBLASLt defines it, epilogue included) on the
 * row-major arrays' bytes, and must give the row-major layer's results.
 */
class LtMatmulKeyTest {
  private final long seed = new Random().nextLong();
  private final Random random = new Random(seed);

  /** cuBLASLt's D = op(A) op(B) with the epilogue, column-major, over raw arrays; bias read or written. */
  private static double[] emulate(LtMatmulKey key, float[] a, float[] b, double[] bias) {
    double[] d = new double[key.ldd() * key.n()];
    for (int i = 0; i < key.m(); i++) {
      for (int j = 0; j < key.n(); j++) {
        double s = 0;
        for (int p = 0; p < key.k(); p++) s += opA(key, a, i, p) * opB(key, b, p, j);
        if (key.epilogue() == LtEpilogue.BIAS || key.epilogue() == LtEpilogue.RELU_BIAS) s += bias[i];
        if (key.epilogue() == LtEpilogue.RELU || key.epilogue() == LtEpilogue.RELU_BIAS) s = Math.max(s, 0);
        d[i + j * key.ldd()] = s;
      }
    }
    if (key.epilogue() == LtEpilogue.BGRADB) {
      for (int j = 0; j < key.n(); j++) {
        double s = 0;
        for (int p = 0; p < key.k(); p++) s += opB(key, b, p, j);
        bias[j] = s;
      }
    }
    return d;
  }

  private static double opA(LtMatmulKey key, float[] a, int i, int p) {
    return key.transA() ? a[p + i * key.lda()] : a[i + p * key.lda()];
  }

  private static double opB(LtMatmulKey key, float[] b, int p, int j) {
    return key.transB() ? b[j + p * key.ldb()] : b[p + j * key.ldb()];
  }

  private float[] gaussian(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) random.nextGaussian();
    return v;
  }

  @Test
  void forwardIsTheLayerWithBiasAndRelu() {
    int rows = 7, in = 5, out = 3;
    float[] x = gaussian(rows * in), w = gaussian(out * in);
    double[] bias = new double[out];
    for (int o = 0; o < out; o++) bias[o] = random.nextGaussian();
    LtMatmulKey key = LtMatmulKey.forward(rows, in, out, LtEpilogue.RELU_BIAS, 256, 512, 1024);
    assertEquals(key.aRows() * key.aCols(), w.length);
    assertEquals(key.bRows() * key.bCols(), x.length);
    double[] y = emulate(key, w, x, bias); // cuBLASLt's A is w, B is x
    for (int r = 0; r < rows; r++) {
      for (int o = 0; o < out; o++) {
        double s = bias[o];
        for (int i = 0; i < in; i++) s += (double) x[r * in + i] * w[o * in + i];
        assertEquals(Math.max(s, 0), y[r * out + o], 1e-9, "y[" + r + "," + o + "] (seed " + seed + ")");
      }
    }
  }

  @Test
  void weightGradientSumsTheBiasGradient() {
    int rows = 9, in = 4, out = 6;
    float[] x = gaussian(rows * in), dy = gaussian(rows * out);
    double[] db = new double[out];
    LtMatmulKey key = LtMatmulKey.weightGradient(rows, in, out, LtEpilogue.BGRADB, 256, 256, 256);
    assertEquals(key.aRows() * key.aCols(), x.length);
    assertEquals(key.bRows() * key.bCols(), dy.length);
    double[] dw = emulate(key, x, dy, db); // cuBLASLt's A is x, B is dy
    for (int o = 0; o < out; o++) {
      double bias = 0;
      for (int r = 0; r < rows; r++) bias += dy[r * out + o];
      assertEquals(bias, db[o], 1e-9, "db[" + o + "] (seed " + seed + ")");
      for (int i = 0; i < in; i++) {
        double s = 0;
        for (int r = 0; r < rows; r++) s += (double) dy[r * out + o] * x[r * in + i];
        assertEquals(s, dw[o * in + i], 1e-9, "dW[" + o + "," + i + "] (seed " + seed + ")");
      }
    }
  }

  @Test
  void alignmentIsTheLargestPowerOfTwoUpTo256() {
    assertEquals(256, LtMatmulKey.alignment(0));
    assertEquals(256, LtMatmulKey.alignment(0x7f00_0000_0000L));
    assertEquals(128, LtMatmulKey.alignment(0x7f00_0000_0080L));
    assertEquals(4, LtMatmulKey.alignment(4L * 314_001));
    assertEquals(16, LtMatmulKey.alignment(4L * 4 * 17));
  }

  @Test
  void keysDistinguishShapeEpilogueAndAlignment() {
    LtMatmulKey base = LtMatmulKey.forward(128, 784, 400, LtEpilogue.RELU_BIAS, 256, 4096, 8192);
    assertEquals(base, LtMatmulKey.forward(128, 784, 400, LtEpilogue.RELU_BIAS, 512, 256, 1 << 20));
    assertNotEquals(base, LtMatmulKey.forward(127, 784, 400, LtEpilogue.RELU_BIAS, 256, 4096, 8192));
    assertNotEquals(base, LtMatmulKey.forward(128, 784, 400, LtEpilogue.BIAS, 256, 4096, 8192));
    assertNotEquals(base, LtMatmulKey.forward(128, 784, 400, LtEpilogue.RELU_BIAS, 256, 4100, 8192));
    assertNotEquals(base, LtMatmulKey.weightGradient(128, 784, 400, LtEpilogue.RELU_BIAS, 256, 4096, 8192));
    assertTrue(base.describe().contains("400x128x784 TN RELU_BIAS"), base.describe());
  }

  @Test
  void epiloguesForEachActivation() {
    assertEquals(LtEpilogue.RELU_BIAS, LtEpilogue.forward(Activation.RELU, true));
    assertEquals(LtEpilogue.RELU, LtEpilogue.forward(Activation.RELU, false));
    assertEquals(LtEpilogue.BIAS, LtEpilogue.forward(Activation.IDENTITY, true));
    assertEquals(LtEpilogue.DEFAULT, LtEpilogue.forward(Activation.IDENTITY, false));
    assertNull(LtEpilogue.forward(Activation.SIGMOID, true), "cuBLASLt has no sigmoid epilogue");
    assertEquals(LtEpilogue.BGRADB, LtEpilogue.weightGradient(true));
    assertNull(LtEpilogue.weightGradient(false));
    for (LtEpilogue e : LtEpilogue.values()) {
      assertEquals(e == LtEpilogue.BIAS || e == LtEpilogue.RELU_BIAS || e == LtEpilogue.BGRADB, e.usesBias, e.name());
    }
  }
}
