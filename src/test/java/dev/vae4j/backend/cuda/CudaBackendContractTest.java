package dev.vae4j.backend.cuda;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.BackendContractTest;

/** The CUDA backend against the double-precision references of every op's contract. */
@RequiresGpu
class CudaBackendContractTest extends BackendContractTest {
  @Override
  protected Backend createBackend() {
    return new CudaBackend(CudaOptions.defaults().withSyncEveryOp(true));
  }
}
