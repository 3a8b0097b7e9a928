package dev.vae4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.BackendContractTest;
import org.junit.jupiter.api.Test;

/** The CPU backend with its scalar loops (the fallback without the Vector API), against every op contract. */
class ScalarCpuBackendTest extends BackendContractTest {
  @Override
  protected Backend createBackend() {
    System.setProperty("vae4j.scalar", "true");
    try {
      return new CpuBackend(2);
    } finally {
      System.clearProperty("vae4j.scalar");
    }
  }

  @Test
  void saysItRunsScalarLoops() {
    assertTrue(backend.description().contains("scalar loops"), backend.description());
  }
}
