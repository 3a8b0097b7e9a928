package dev.vae4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.BackendContractTest;
import org.junit.jupiter.api.Test;

/** The CPU backend with OpenBLAS GEMMs (rows and loops split across 2 threads), against every op contract. */
class OpenBlasCpuBackendTest extends BackendContractTest {
  @Override
  protected Backend createBackend() {
    return new CpuBackend(2, "openblas");
  }

  @Test
  void saysItRunsOpenBlas() {
    assertTrue(backend.description().startsWith("OpenBLAS "), backend.description());
  }
}
