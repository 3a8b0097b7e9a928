package dev.vae4j.backend.cpu;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.BackendContractTest;

/** The CPU backend against every op contract, with the elementwise loops split across 2 threads. */
class CpuBackendTest extends BackendContractTest {
  @Override
  protected Backend createBackend() {
    return new CpuBackend(2);
  }
}
