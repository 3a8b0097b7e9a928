package dev.vae4j.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

/**
 * What every family's contract test ({@link MemoryOpsContract}, {@link DenseOpsContract}, {@link
 * LatentOpsContract}, {@link LossOpsContract}, {@link OptimizerOpsContract}) takes from the class
 * that runs it: the backend under test and one seeded random source (the seed is in every failure
 * message), plus the helpers the tests share. Inputs are fresh random values, outputs are poisoned
 * by NaN first, and sizes are not multiples of any block or vector width.
 */
public interface OpsContract {
  /** The backend under test, made once per test class. */
  Backend backend();

  /** The seed of {@link #random()}, printed with every failure. */
  long seed();

  /** The test class's one random source, seeded with {@link #seed()}. */
  Random random();

  /** A new tensor holding {@code values}. */
  default Tensor upload(float[] values) {
    Tensor t = backend().allocate(values.length);
    backend().upload(values, t);
    return t;
  }

  /** A new tensor of {@code length} NaNs. */
  default Tensor poisoned(int length) {
    Tensor t = backend().allocate(length);
    backend().fill(t, Float.NaN);
    return t;
  }

  default float[] gaussian(int n, double scale) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = (float) (random().nextGaussian() * scale);
    return a;
  }

  default float[] uniform(int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = random().nextFloat();
    return a;
  }

  default void assertClose(double expected, float actual, double relTol, double absTol, String what) {
    double tol = absTol + relTol * Math.abs(expected);
    assertTrue(Math.abs(expected - actual) <= tol,
        what + ": expected " + expected + ", got " + actual + " (seed " + seed() + ", " + backend().name() + ")");
  }

  /** {@code values} in a slice at an odd offset of a larger buffer, as layers sit in the parameter buffer. */
  default Tensor uploadMisaligned(float[] values) {
    int offset = 1 + random().nextInt(63);
    Tensor parent = backend().allocate(offset + values.length + 3L);
    backend().fill(parent, Float.NaN);
    Tensor t = backend().slice(parent, offset, values.length);
    backend().upload(values, t);
    return t;
  }
}
