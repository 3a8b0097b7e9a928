package dev.vae4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.BackendContractTest;
import dev.vae4j.backend.Tensor;
import java.util.Random;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;

/** The CPU backend as users get it (oneDNN GEMMs, Vector API loops), against every op contract. */
class CpuBackendTest extends BackendContractTest {
  @Override
  protected Backend createBackend() {
    return new CpuBackend(2);
  }

  /** The noise drawn on the parts' threads is the one-thread draw bit for bit, the tail block's too. */
  @Test
  void noiseSplitOverThreadsIsTheOneThreadDraw() {
    long seed = new Random().nextLong(), stream = 1 + new Random().nextInt(1000);
    int n = 4 * 4 * CpuLatent.MIN_NOISE_BLOCKS_PER_THREAD + 3;
    try (CpuBackend one = CpuBackend.confined(1)) {
      Tensor a = backend.allocate(n), b = one.allocate(n);
      backend.normalNoise(a, seed, stream);
      one.normalNoise(b, seed, stream);
      assertArrayEquals(one.download(b), backend.download(a), "seed " + seed + ", stream " + stream);
    }
  }

  @Test
  void runsOneDnnWhenItsNativesArePresent() {
    assumeTrue(CpuBackendTest.class.getResource("/org/bytedeco/dnnl/" + Loader.getPlatform() + "/libjnidnnl.so") != null,
        "oneDNN's natives are not on the class path (the GPU check kit leaves them out)");
    assertTrue(backend.description().startsWith("oneDNN "), backend.description());
  }
}
