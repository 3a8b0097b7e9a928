package dev.vae4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract of {@link DenseOps}, every op against a double-precision reference written from its
 * Javadoc: GEMM in every transpose, bias + activation and its backward, dense layers forward and
 * backward on misaligned weights. A backend's test runs it by implementing this interface (as
 * {@link BackendContractTest} does for all families), which supplies the backend and the seeded
 * randomness.
 */
public interface DenseOpsContract extends OpsContract {

  @ParameterizedTest
  @CsvSource({"false,false", "true,false", "false,true", "true,true"})
  default void gemm(boolean transA, boolean transB) {
    int m = 37, n = 29, k = 53;
    float[] a = gaussian(m * k, 1), b = gaussian(k * n, 1), c0 = gaussian(m * n, 1);
    float alpha = 0.75f, beta = -0.5f;
    Tensor c = upload(c0);
    backend().gemm(transA, transB, m, n, k, alpha, upload(a), upload(b), beta, c);
    float[] out = backend().download(c);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          double av = transA ? a[p * m + i] : a[i * k + p];
          double bv = transB ? b[j * k + p] : b[p * n + j];
          s += av * bv;
        }
        assertClose(alpha * s + beta * c0[i * n + j], out[i * n + j], 1e-5, 1e-4, "C[" + i + "," + j + "]");
      }
    }
    Tensor poisoned = poisoned(m * n); // beta == 0 must ignore C's old contents
    backend().gemm(transA, transB, m, n, k, 1f, upload(a), upload(b), 0f, poisoned);
    for (float v : backend().download(poisoned)) assertTrue(Float.isFinite(v), "beta=0 must not read C");
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  default void biasActivation(Activation act) {
    int rows = 19, cols = 1031;
    float[] x = gaussian(rows * cols, 3), bias = gaussian(cols, 1);
    Tensor t = upload(x);
    backend().biasActivation(t, upload(bias), rows, cols, act);
    float[] out = backend().download(t);
    for (int i = 0; i < x.length; i++) {
      double v = (double) x[i] + bias[i % cols];
      double expected = switch (act) {
        case IDENTITY -> v;
        case RELU -> Math.max(v, 0);
        case SIGMOID -> 1 / (1 + Math.exp(-v));
      };
      assertClose(expected, out[i], 1e-6, 1e-7, act + " element " + i);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Activation.class, names = {"IDENTITY", "RELU"})
  default void activationBackward(Activation act) {
    int rows = 131, cols = 403;
    float[] grad = gaussian(rows * cols, 1), out = gaussian(rows * cols, 1);
    Tensor g = upload(grad), biasGrad = poisoned(cols);
    backend().activationBackward(g, upload(out), biasGrad, rows, cols, act);
    float[] dg = backend().download(g), db = backend().download(biasGrad);
    double[] colSums = new double[cols];
    for (int i = 0; i < grad.length; i++) {
      double expected = act == Activation.RELU && out[i] <= 0 ? 0 : grad[i];
      assertClose(expected, dg[i], 0, 0, "grad " + i);
      colSums[i % cols] += expected;
    }
    for (int c = 0; c < cols; c++) assertClose(colSums[c], db[c], 1e-5, 1e-5, "bias grad " + c);
  }

  @ParameterizedTest
  @CsvSource({"IDENTITY,true", "RELU,true", "SIGMOID,true", "IDENTITY,false", "RELU,false"})
  default void linearForward(Activation act, boolean withBias) {
    int rows = 37, in = 53, out = 29;
    float[] x = gaussian(rows * in, 1), w = gaussian(out * in, 0.3), bias = gaussian(out, 1);
    Tensor y = poisoned(rows * out);
    backend().linearForward(upload(x), uploadMisaligned(w), withBias ? uploadMisaligned(bias) : null, y, rows, in, out,
        act);
    float[] yo = backend().download(y);
    for (int r = 0; r < rows; r++) {
      for (int o = 0; o < out; o++) {
        double v = withBias ? bias[o] : 0;
        for (int i = 0; i < in; i++) v += (double) x[r * in + i] * w[o * in + i];
        double expected = switch (act) {
          case IDENTITY -> v;
          case RELU -> Math.max(v, 0);
          case SIGMOID -> 1 / (1 + Math.exp(-v));
        };
        assertClose(expected, yo[r * out + o], 1e-5, 1e-5, act + " y[" + r + "," + o + "]");
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"IDENTITY,true,true", "RELU,true,true", "RELU,false,true", "IDENTITY,true,false", "RELU,false,false"})
  default void linearBackward(Activation act, boolean withBiasGrad, boolean withDx) {
    int rows = 41, in = 23, out = 31;
    float[] x = gaussian(rows * in, 1), w = gaussian(out * in, 0.3);
    float[] y = gaussian(rows * out, 1), dy = gaussian(rows * out, 1);
    if (act == Activation.RELU) for (int i = 0; i < y.length; i++) y[i] = Math.max(y[i], 0f);
    Tensor dyt = upload(dy), weightGrad = backend().slice(poisoned(out * in + 5), 5, (long) out * in);
    Tensor biasGrad = withBiasGrad ? backend().slice(poisoned(out + 7), 7, out) : null;
    Tensor dx = withDx ? poisoned(rows * in) : null;
    backend().linearBackward(upload(x), uploadMisaligned(w), upload(y), dyt, weightGrad, biasGrad, dx, rows, in, out,
        act);
    double[] pre = new double[dy.length]; // d(pre-activation)
    for (int i = 0; i < dy.length; i++) pre[i] = act == Activation.RELU && y[i] <= 0 ? 0 : dy[i];
    float[] dyo = backend().download(dyt), dwo = backend().download(weightGrad);
    for (int i = 0; i < dy.length; i++) assertClose(pre[i], dyo[i], 0, 0, "d(pre-activation) " + i);
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        double s = 0;
        for (int r = 0; r < rows; r++) s += pre[r * out + o] * x[r * in + i];
        assertClose(s, dwo[o * in + i], 1e-5, 1e-5, "dW[" + o + "," + i + "]");
      }
    }
    if (withBiasGrad) {
      float[] dbo = backend().download(biasGrad);
      for (int o = 0; o < out; o++) {
        double s = 0;
        for (int r = 0; r < rows; r++) s += pre[r * out + o];
        assertClose(s, dbo[o], 1e-5, 1e-5, "db[" + o + "]");
      }
    }
    if (withDx) {
      float[] dxo = backend().download(dx);
      for (int r = 0; r < rows; r++) {
        for (int i = 0; i < in; i++) {
          double s = 0;
          for (int o = 0; o < out; o++) s += pre[r * out + o] * w[o * in + i];
          assertClose(s, dxo[r * in + i], 1e-5, 1e-5, "dx[" + r + "," + i + "]");
        }
      }
    }
  }

  /** A short operand is refused before anything runs, naming the op, the operand and both lengths. */
  @Test
  default void gemmRejectsAShortOperand() {
    Tensor a = poisoned(6), b = poisoned(12), c = poisoned(7);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> backend().gemm(false, false, 2, 4, 3, 1f, a, b, 0f, c));
    assertEquals("gemm C: needs 8 floats, tensor has 7", e.getMessage());
  }
}
