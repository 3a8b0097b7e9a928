package dev.vae4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vae4j.Vae;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.Tensor;
import dev.vae4j.backend.cpu.CpuBackend;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Inference passes split into row parts compute what the whole passes do, up to float rounding. */
class InferenceInPartsTest {
  private static final int ROWS = 2 * VaeNetwork.MIN_ROWS_PER_PART + 5; // two parts of different sizes

  @Test
  void partsOfAPassMatchTheWholePass() {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    VaeConfig config = VaeConfig.mlp(50, new int[] {24, 12}, 3, Likelihood.BERNOULLI);
    float[] x = new float[ROWS * config.inputSize()], z = new float[ROWS * config.latent()];
    for (int i = 0; i < x.length; i++) x[i] = random.nextFloat();
    for (int i = 0; i < z.length; i++) z[i] = (float) random.nextGaussian();
    try (CpuBackend backend = new CpuBackend(2)) {
      assumeTrue(backend.batchParts() == 2, "the GEMM library cannot be confined to one thread: " + backend.description());
      VaeNetwork network = Vae.create(config, backend, seed).network();
      Workspace whole = filled(network, x, seed), parts = filled(network, x, seed);
      network.forward(whole, ROWS);
      network.forwardInParts(parts, ROWS);
      assertClose(backend, whole.stats(), parts.stats(), "mu and logvar (seed " + seed + ")");
      assertClose(backend, whole.z(), parts.z(), "z (seed " + seed + ")");
      assertClose(backend, whole.logits(), parts.logits(), "logits (seed " + seed + ")");

      network.encodeInParts(parts, ROWS);
      assertClose(backend, whole.stats(), parts.stats(), "encoded alone (seed " + seed + ")");
      Tensor zt = backend.allocate(z.length);
      backend.upload(z, zt);
      network.decodeFrom(whole, zt, ROWS);
      network.decodeFromInParts(parts, zt, ROWS);
      assertClose(backend, whole.logits(), parts.logits(), "decoded from given z (seed " + seed + ")");
    }
  }

  private static Workspace filled(VaeNetwork network, float[] x, long seed) {
    Workspace ws = network.workspace(ROWS, false);
    network.backend().upload(x, 0, ws.input(), 0, x.length);
    network.backend().normalNoise(ws.eps(), seed, 1);
    return ws;
  }

  private static void assertClose(Backend backend, Tensor expected, Tensor actual, String what) {
    float[] e = backend.download(expected), a = backend.download(actual);
    assertEquals(e.length, a.length, what);
    for (int i = 0; i < e.length; i++) {
      assertEquals(e[i], a[i], 1e-5 * Math.max(1, Math.abs(e[i])), what + ", element " + i);
    }
  }
}
