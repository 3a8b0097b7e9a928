package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vae4j.backend.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Dropout has no CUDA kernel yet: both ops refuse in one line that names --dropout and the way out. */
class CudaDropoutTest {

  @Test
  void dropoutAndItsBackwardRefuseInOneLine() {
    RecordingCuda cuda = new RecordingCuda();
    KernelImage image = KernelImage.load();
    if (image == null) image = new KernelImage(new byte[0], Map.of());
    try {
      CudaBackend backend = new CudaBackend(CudaOptions.defaults(), CudaProbe.probe(cuda, image), cuda, image);
      try {
        Tensor t = backend.allocate(12);
        for (Runnable op : new Runnable[] {
            () -> backend.dropout(t, 3, 4, 0, 1L, 1L, 0, 0.5f), () -> backend.dropoutBackward(t, 3, 4, 0, 1L, 1L, 0, 0.5f)}) {
          UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, op::run);
          assertEquals("--dropout is not supported on the CUDA backend yet; use --device cpu", e.getMessage());
        }
      } finally {
        backend.close();
      }
    } finally {
      cuda.releaseHostMemory();
    }
  }
}
