package dev.vae4j.backend.cuda;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.ContinuousBernoulliFixture;
import org.junit.jupiter.api.Test;

/** The CUDA backend's continuous-Bernoulli losses against PyTorch's float64 ones ({@link ContinuousBernoulliFixture}). */
@RequiresGpu
class CudaContinuousBernoulliFixtureTest {
  @Test
  void matchesPyTorch() throws Exception {
    try (Backend backend = new CudaBackend(CudaOptions.defaults().withSyncEveryOp(true))) {
      ContinuousBernoulliFixture.check(backend, 1e-5);
    }
  }
}
