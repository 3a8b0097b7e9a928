package dev.vae4j.backend.cuda;

import dev.vae4j.backend.Backend;
import dev.vae4j.model.GoldenFixtureTest;

/**
 * The CUDA backend (FP32, cuBLASLt epilogues) through three training steps against PyTorch's
 * float64 computation, with the CPU's bars. TF32 is measured, not held to them: see {@link
 * Tf32Accuracy}.
 */
@RequiresGpu
class CudaGoldenFixtureTest extends GoldenFixtureTest {
  @Override
  protected Backend createBackend() {
    return new CudaBackend(CudaOptions.defaults().withSyncEveryOp(true));
  }
}
