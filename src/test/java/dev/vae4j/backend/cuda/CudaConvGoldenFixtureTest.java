package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vae4j.backend.Backend;
import dev.vae4j.model.ConvGoldenFixtureTest;

/**
 * The conv golden fixture (colour 16x12 images, three Adam steps against PyTorch's float64) on the
 * CUDA backend's cuDNN convolutions, FP32, with the CPU's bars. Needs a GPU and cuDNN 9; skipped
 * with the reason where either is missing.
 */
@RequiresGpu
class CudaConvGoldenFixtureTest extends ConvGoldenFixtureTest {
  @Override
  protected Backend createBackend() {
    String noCudnn = CudaBackend.convolutionsUnavailableReason();
    assumeTrue(noCudnn == null, "needs cuDNN 9: " + noCudnn);
    return new CudaBackend(CudaOptions.defaults().withSyncEveryOp(true));
  }
}
