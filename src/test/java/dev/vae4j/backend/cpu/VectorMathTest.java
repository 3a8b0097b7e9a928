package dev.vae4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.ActivationFunction;
import dev.vae4j.backend.AdamParams;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorMath} against double-precision {@link Math}, and the Vector API kernels' results
 * bit for bit in an interpreter-only JVM and a JVM where C2 compiled them: the property that lets a
 * resumed training run end on the uninterrupted run's weights.
 */
class VectorMathTest {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private final long seed = new Random().nextLong();

  @Test
  void expIsWithinOneUlpOverItsRange() {
    Random random = new Random(seed);
    float[] x = new float[S.length() * 20_000];
    for (int i = 0; i < x.length; i++) x[i] = -87.3f + random.nextFloat() * (88.3f + 87.3f);
    x[0] = 0f;
    x[1] = -0f;
    x[2] = -87.3f;
    x[3] = 88.3f;
    x[4] = Float.MIN_VALUE;
    x[5] = -1e-30f;
    assertWithinUlps(1, x, VectorMath::exp, Math::exp, "exp");
  }

  @Test
  void expClampsBeyondTheNormalRangeAndPropagatesNaN() {
    float[] x = new float[S.length()];
    x[0] = Float.NEGATIVE_INFINITY;
    x[1] = -1000f;
    x[2] = Float.POSITIVE_INFINITY;
    x[3] = Float.NaN;
    float[] y = new float[x.length];
    VectorMath.exp(FloatVector.fromArray(S, x, 0)).intoArray(y, 0);
    assertEquals((float) Math.exp(-87.3f), y[0], Math.ulp((float) Math.exp(-87.3f)) * 2);
    assertEquals(y[0], y[1]);
    assertTrue(Float.isFinite(y[2]) && y[2] > 2e38f, "exp(+inf) clamps to exp(88.3): " + y[2]);
    assertTrue(Float.isNaN(y[3]));
  }

  @Test
  void log1pIsWithinTwoAndAHalfUlpOnTheUnitInterval() {
    Random random = new Random(seed);
    float[] y = new float[S.length() * 20_000];
    for (int i = 0; i < y.length; i++) {
      y[i] = i % 2 == 0 ? random.nextFloat() : (float) Math.exp(-87.3 * random.nextDouble()); // tiny ones too
    }
    y[0] = 0f;
    y[1] = 1f;
    y[2] = 1.2e-38f;
    y[3] = 1e-20f;
    assertWithinUlps(2.5, y, VectorMath::log1pUnit, Math::log1p, "log1p");
  }

  @Test
  void kernelsGiveTheSameBitsInterpretedAndCompiled() throws Exception {
    String interpreted = child("-Xint", "1");
    String compiled = child("-Xbatch", "-XX:-TieredCompilation", "-XX:CompileThreshold=100", "3000");
    assertEquals(interpreted, compiled, "seed " + seed + ": results of the interpreted and the C2-compiled kernels");
  }

  /** Child JVM entry: runs the kernels {@code args[1]} times on inputs drawn from seed {@code args[0]}, prints the last result's digest. */
  public static void main(String[] args) {
    long seed = Long.parseLong(args[0]);
    int repeats = Integer.parseInt(args[1]);
    long digest = 0;
    for (int i = 0; i < repeats; i++) digest = kernelDigest(seed);
    System.out.println(Long.toHexString(digest));
  }

  /** A digest of the bits of every Vector API kernel result that involves rounding, on seeded inputs. */
  private static long kernelDigest(long seed) {
    Random random = new Random(seed);
    int rows = 3, n = 784 + 5; // a ragged tail exercises the scalar remainder too
    float[] logits = new float[rows * n], targets = new float[rows * n], d = new float[rows * n];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) (random.nextGaussian() * 6);
      targets[i] = random.nextFloat();
    }
    VectorLoopKernels kernels = new VectorLoopKernels();
    long digest = 17;
    for (int r = 0; r < rows; r++) {
      float loss = kernels.bernoulliRow(logits, r * n, targets, r * n, d, r * n, n, 0.25f);
      digest = digest * 31 + Float.floatToRawIntBits(loss);
    }
    float[] elu = logits.clone(), tanh = logits.clone(), eluGrad = targets.clone(), tanhGrad = targets.clone();
    kernels.activate(elu, 0, elu.length, ActivationFunction.of(Activation.ELU));
    kernels.activate(tanh, 0, tanh.length, ActivationFunction.of(Activation.TANH));
    kernels.activationBackward(eluGrad, 0, elu, 0, 0, elu.length, ActivationFunction.of(Activation.ELU));
    kernels.activationBackward(tanhGrad, 0, tanh, 0, 0, tanh.length, ActivationFunction.of(Activation.TANH));
    for (float[] a : List.of(elu, tanh, eluGrad, tanhGrad)) {
      for (float f : a) digest = digest * 31 + Float.floatToRawIntBits(f);
    }
    kernels.sigmoid(logits, 0, logits.length);
    float[] p = targets.clone(), g = d.clone(), m = new float[p.length], v = new float[p.length];
    kernels.adam(p, 0, g, 0, null, 0, m, 0, v, 0, 0, p.length, AdamStep.of(new AdamParams(1e-3, 0.9, 0.999, 1e-8, 1e-4, false), 3));
    java.nio.ByteBuffer mirror = java.nio.ByteBuffer.allocateDirect(4 * g.length).order(java.nio.ByteOrder.nativeOrder());
    mirror.asFloatBuffer().put(targets);
    kernels.adamFromMirrors(p, m, v, mirror, mirror, 0, p.length, AdamStep.of(new AdamParams(1e-3, 0.9, 0.999, 1e-8, 0, false), 4));
    for (float[] a : List.of(d, logits, p, m, v)) {
      for (float f : a) digest = digest * 31 + Float.floatToRawIntBits(f);
    }
    return digest;
  }

  private String child(String... options) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector"));
    command.addAll(List.of(options).subList(0, options.length - 1));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), VectorMathTest.class.getName(),
        Long.toString(seed), options[options.length - 1]));
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(process.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue(), String.join(" ", command));
    return out;
  }

  private interface VectorFunction {
    FloatVector apply(FloatVector v);
  }

  private interface DoubleFunction {
    double apply(double x);
  }

  private void assertWithinUlps(double bound, float[] x, VectorFunction f, DoubleFunction exact, String name) {
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i += S.length()) f.apply(FloatVector.fromArray(S, x, i)).intoArray(y, i);
    for (int i = 0; i < x.length; i++) {
      double want = exact.apply(x[i]);
      double ulps = Math.abs(y[i] - want) / Math.ulp((float) want);
      assertTrue(ulps <= bound, name + "(" + x[i] + ") = " + y[i] + ", exact " + want + ": " + ulps + " ulp (seed " + seed + ")");
    }
  }
}
