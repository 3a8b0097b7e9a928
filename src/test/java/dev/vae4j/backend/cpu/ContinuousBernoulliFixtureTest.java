package dev.vae4j.backend.cpu;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.ContinuousBernoulliFixture;
import org.junit.jupiter.api.Test;

/** The CPU backend's continuous-Bernoulli losses against PyTorch's float64 ones ({@link ContinuousBernoulliFixture}). */
class ContinuousBernoulliFixtureTest {
  @Test
  void matchesPyTorch() throws Exception {
    try (Backend backend = new CpuBackend(2)) {
      ContinuousBernoulliFixture.check(backend, 1e-5);
    }
  }
}
