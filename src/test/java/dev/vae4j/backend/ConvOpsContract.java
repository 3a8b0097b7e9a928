package dev.vae4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The contract of {@link ConvOps}, every op against {@link ReferenceConv} (double precision, from
 * the Javadoc) on shapes with odd and non-square sizes, stride 1 and 2, padding 0 and 1, 1 and 3
 * channels, a 1x1 kernel and the sizes of the classic conv VAE; weights and biases sit at odd
 * offsets of larger buffers and outputs are poisoned with NaN first. A float32 result may differ
 * from the reference by 1e-5 of the sum of its terms' magnitudes (plus 1e-6). Besides, every
 * gradient is checked against finite differences of the backend's own forward pass.
 */
public interface ConvOpsContract extends OpsContract {

  private static ConvShape shape(boolean transposed, int batch, int c, int h, int w, int out, int k, int s, int p) {
    return new ConvShape(batch, c, h, w, out, k, s, p, transposed);
  }

  private void assertMatches(ReferenceConv.Result expected, float[] actual, String what, ConvShape s) {
    assertEquals(expected.values().length, actual.length, what + " length");
    for (int i = 0; i < actual.length; i++) {
      assertClose(expected.values()[i], actual[i], 0, 1e-6 + 1e-5 * expected.magnitudes()[i],
          what + "[" + i + "] of " + s.describe());
    }
  }

  // Each op on the same shapes: kind, batch, input C x H x W, output channels, kernel, stride, padding.

  @ParameterizedTest
  @CsvSource({
      "false, 3, 3, 16, 12, 4, 4, 2, 1", "false, 2, 1, 7, 5, 3, 3, 1, 1", "false, 2, 3, 9, 7, 2, 3, 2, 0",
      "false, 2, 5, 6, 6, 3, 1, 1, 0", "false, 5, 32, 14, 14, 64, 4, 2, 1",
      "true, 3, 8, 4, 3, 4, 4, 2, 1", "true, 2, 3, 5, 7, 1, 3, 1, 1", "true, 2, 2, 4, 3, 3, 3, 2, 0",
      "true, 2, 5, 6, 6, 3, 1, 1, 0", "true, 5, 64, 7, 7, 32, 4, 2, 1"})
  default void convForward(boolean transposed, int batch, int c, int h, int w, int out, int k, int s, int p) {
    ConvShape shape = shape(transposed, batch, c, h, w, out, k, s, p);
    float[] x = gaussian(Math.toIntExact(batch * shape.inputSize()), 1);
    float[] weight = gaussian(Math.toIntExact(shape.weightSize()), 0.3), bias = gaussian(out, 1);
    if (transposed) backend().prepareConv(shape); // the other kind prepares itself in its first op
    Tensor xt = upload(x), wt = uploadMisaligned(weight), bt = uploadMisaligned(bias);
    for (Activation act : new Activation[] {Activation.IDENTITY, Activation.RELU}) {
      for (boolean withBias : new boolean[] {true, false}) {
        Tensor y = poisoned(Math.toIntExact(batch * shape.outputSize()));
        backend().convForward(shape, xt, wt, withBias ? bt : null, y, act);
        assertMatches(ReferenceConv.forward(shape, x, weight, withBias ? bias : null, act), backend().download(y),
            act + (withBias ? " y" : " y without bias"), shape);
      }
    }
  }

  @ParameterizedTest
  @CsvSource({
      "false, 3, 3, 16, 12, 4, 4, 2, 1", "false, 2, 1, 7, 5, 3, 3, 1, 1", "false, 2, 3, 9, 7, 2, 3, 2, 0",
      "false, 2, 5, 6, 6, 3, 1, 1, 0", "false, 5, 32, 14, 14, 64, 4, 2, 1",
      "true, 3, 8, 4, 3, 4, 4, 2, 1", "true, 2, 3, 5, 7, 1, 3, 1, 1", "true, 2, 2, 4, 3, 3, 3, 2, 0",
      "true, 2, 5, 6, 6, 3, 1, 1, 0", "true, 5, 64, 7, 7, 32, 4, 2, 1"})
  default void convBackwardData(boolean transposed, int batch, int c, int h, int w, int out, int k, int s, int p) {
    ConvShape shape = shape(transposed, batch, c, h, w, out, k, s, p);
    float[] dy = gaussian(Math.toIntExact(batch * shape.outputSize()), 1);
    float[] weight = gaussian(Math.toIntExact(shape.weightSize()), 0.3);
    Tensor dx = poisoned(Math.toIntExact(batch * shape.inputSize()));
    backend().convBackwardData(shape, upload(dy), uploadMisaligned(weight), dx);
    assertMatches(ReferenceConv.backwardData(shape, dy, weight), backend().download(dx), "dx", shape);
  }

  @ParameterizedTest
  @CsvSource({
      "false, 3, 3, 16, 12, 4, 4, 2, 1", "false, 2, 1, 7, 5, 3, 3, 1, 1", "false, 2, 3, 9, 7, 2, 3, 2, 0",
      "false, 2, 5, 6, 6, 3, 1, 1, 0", "false, 5, 32, 14, 14, 64, 4, 2, 1",
      "true, 3, 8, 4, 3, 4, 4, 2, 1", "true, 2, 3, 5, 7, 1, 3, 1, 1", "true, 2, 2, 4, 3, 3, 3, 2, 0",
      "true, 2, 5, 6, 6, 3, 1, 1, 0", "true, 5, 64, 7, 7, 32, 4, 2, 1"})
  default void convBackwardWeights(boolean transposed, int batch, int c, int h, int w, int out, int k, int s, int p) {
    ConvShape shape = shape(transposed, batch, c, h, w, out, k, s, p);
    float[] x = gaussian(Math.toIntExact(batch * shape.inputSize()), 1);
    float[] dy = gaussian(Math.toIntExact(batch * shape.outputSize()), 1);
    int wn = Math.toIntExact(shape.weightSize());
    Tensor xt = upload(x), dyt = upload(dy);
    for (boolean withBias : new boolean[] {true, false}) {
      Tensor dw = backend().slice(poisoned(wn + 5), 5, wn), db = withBias ? backend().slice(poisoned(out + 3), 3, out) : null;
      backend().convBackwardWeights(shape, xt, dyt, dw, db);
      assertMatches(ReferenceConv.weightGradient(shape, x, dy), backend().download(dw), "dW", shape);
      if (withBias) assertMatches(ReferenceConv.biasGradient(shape, dy), backend().download(db), "db", shape);
    }
    float[] dyAfter = backend().download(dyt);
    for (int i = 0; i < dy.length; i++) assertEquals(dy[i], dyAfter[i], "dy is an input: unchanged at " + i);
  }

  /**
   * Every gradient against finite differences of the backend's own forward pass: with {@code L =
   * sum(r * y)} for a random {@code r}, {@code dL/dx}, {@code dL/dw} and {@code dL/db} are {@code
   * convBackwardData(r)} and {@code convBackwardWeights(x, r)}; the forward pass (no activation) is
   * linear in each of them, so a central difference of step 1 is exact up to float rounding. 12
   * coordinates of each, drawn at random.
   */
  @ParameterizedTest
  @CsvSource({
      "false, 2, 1, 7, 5, 2, 3, 1, 1", "false, 2, 3, 9, 7, 2, 3, 2, 0", "false, 1, 3, 8, 6, 1, 4, 2, 1",
      "false, 2, 1, 5, 5, 3, 3, 2, 1", "true, 2, 3, 5, 7, 1, 3, 1, 1", "true, 2, 2, 4, 3, 3, 3, 2, 0",
      "true, 1, 1, 3, 5, 3, 4, 2, 1", "true, 2, 3, 3, 3, 1, 3, 2, 1"})
  default void gradientsMatchFiniteDifferences(boolean transposed, int batch, int c, int h, int w, int out, int k, int s,
      int p) {
    ConvShape shape = shape(transposed, batch, c, h, w, out, k, s, p);
    int xn = Math.toIntExact(batch * shape.inputSize()), yn = Math.toIntExact(batch * shape.outputSize());
    int wn = Math.toIntExact(shape.weightSize());
    float[] x = gaussian(xn, 1), weight = gaussian(wn, 0.3), bias = gaussian(out, 1), r = gaussian(yn, 1);
    Tensor rt = upload(r), dx = poisoned(xn), dw = poisoned(wn), db = poisoned(out);
    backend().convBackwardData(shape, rt, upload(weight), dx);
    backend().convBackwardWeights(shape, upload(x), rt, dw, db);
    float[][] grads = {backend().download(dx), backend().download(dw), backend().download(db)};
    float[][] inputs = {x, weight, bias};
    String[] names = {"dx", "dW", "db"};
    for (int which = 0; which < 3; which++) {
      for (int trial = 0; trial < 12; trial++) {
        int i = random().nextInt(inputs[which].length);
        float saved = inputs[which][i];
        inputs[which][i] = saved + 1;
        double plus = weightedSum(shape, x, weight, bias, r);
        inputs[which][i] = saved - 1;
        double minus = weightedSum(shape, x, weight, bias, r);
        inputs[which][i] = saved;
        assertClose((plus - minus) / 2, grads[which][i], 1e-3, 1e-3, names[which] + "[" + i + "] of " + shape.describe());
      }
    }
  }

  /** {@code sum(r * convForward(x, w, b))} on the backend, summed in double. */
  private double weightedSum(ConvShape shape, float[] x, float[] w, float[] b, float[] r) {
    Tensor y = poisoned(r.length);
    backend().convForward(shape, upload(x), upload(w), upload(b), y, Activation.IDENTITY);
    float[] yo = backend().download(y);
    double sum = 0;
    for (int i = 0; i < r.length; i++) sum += (double) r[i] * yo[i];
    return sum;
  }

  /** A shape prepared for a batch also runs on fewer rows (the last, partial batch), then on the full batch again. */
  @Test
  default void partialBatchesOfAPreparedShape() {
    ConvShape full = shape(false, 6, 3, 8, 6, 4, 4, 2, 1), part = full.withBatch(4);
    backend().prepareConv(full);
    backend().prepareConv(full); // idempotent
    float[] x = gaussian(Math.toIntExact(6 * full.inputSize()), 1), weight = gaussian(Math.toIntExact(full.weightSize()), 0.3);
    Tensor xt = upload(x), wt = upload(weight);
    for (ConvShape s : new ConvShape[] {part, full}) {
      Tensor y = poisoned(Math.toIntExact(6 * full.outputSize()));
      backend().convForward(s, xt, wt, null, y, Activation.RELU);
      float[] got = backend().download(y), rows = java.util.Arrays.copyOf(got, Math.toIntExact(s.batch() * s.outputSize()));
      float[] xs = java.util.Arrays.copyOf(x, Math.toIntExact(s.batch() * s.inputSize()));
      assertMatches(ReferenceConv.forward(s, xs, weight, null, Activation.RELU), rows, "y", s);
      for (int i = rows.length; i < got.length; i++) {
        assertEquals(Float.NaN, got[i], "row past the batch of " + s.batch() + " written at " + i);
      }
    }
  }

  @Test
  default void sigmoidIsRefused() {
    ConvShape s = shape(false, 1, 1, 4, 4, 1, 3, 1, 1);
    assertThrows(IllegalArgumentException.class,
        () -> backend().convForward(s, poisoned(16), poisoned(9), null, poisoned(16), Activation.SIGMOID));
  }

  /** A short operand is refused before anything runs, naming the op, the operand and both lengths. */
  @Test
  default void convRejectsAShortOperand() {
    ConvShape s = shape(true, 2, 3, 4, 3, 2, 4, 2, 1); // -> 2 x 8 x 6 per image
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> backend().convForward(s, poisoned(72), poisoned(96), null, poisoned(191), Activation.IDENTITY));
    assertEquals("convForward y: needs 192 floats, tensor has 191", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> backend().convBackwardWeights(s, poisoned(72), poisoned(192), poisoned(95), null));
    assertEquals("convBackwardWeights weightGrad: needs 96 floats, tensor has 95", e.getMessage());
  }
}
