package dev.vae4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.cuda.CudaInfo;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Backend selection for models with convolutions, which on the GPU need cuDNN: without it {@code
 * auto} takes the CPU with the reason and {@code cuda} refuses, naming the library; a dense model
 * never looks for cuDNN.
 */
class BackendsConvolutionTest {
  private static final CudaInfo GPU = new CudaInfo(true, null, "13.0", "13.0",
      List.of(new CudaInfo.Gpu(0, "test GPU", 1L << 34, 9, 0, 132)), true, List.of("sm_90"));
  private static final CudaInfo NO_GPU = new CudaInfo(false, "no NVIDIA driver (libcuda.so.1 not found)", null, null,
      List.of(), true, List.of("sm_90"));
  private static final String NO_CUDNN = "cuDNN 9 library libcudnn_cnn.so.9 not found: install cuDNN 9";

  private static Supplier<String> cudnn(String failure, AtomicInteger asked) {
    return () -> {
      asked.incrementAndGet();
      return failure;
    };
  }

  @Test
  void aDenseModelNeverAsksForCudnn() {
    AtomicInteger asked = new AtomicInteger();
    assertNull(Backends.gpuUnavailable(GPU, false, cudnn(NO_CUDNN, asked)));
    assertEquals(0, asked.get());
  }

  @Test
  void convolutionsWithoutCudnnNameTheMissingLibrary() {
    AtomicInteger asked = new AtomicInteger();
    assertEquals("the model's convolutions need cuDNN on the GPU: " + NO_CUDNN,
        Backends.gpuUnavailable(GPU, true, cudnn(NO_CUDNN, asked)));
    assertNull(Backends.gpuUnavailable(GPU, true, cudnn(null, asked)), "cuDNN present");
    assertEquals(2, asked.get());
  }

  @Test
  void cudaItselfComesFirst() {
    AtomicInteger asked = new AtomicInteger();
    assertEquals("CUDA unavailable: " + NO_GPU.reason(), Backends.gpuUnavailable(NO_GPU, true, cudnn(NO_CUDNN, asked)));
    assertEquals(0, asked.get());
  }

  @Test
  void onThisMachineWithoutCudnnAConvolutionalModelRunsOnTheCpuOrRefusesCuda() {
    String reason = Backends.gpuUnavailable(dev.vae4j.backend.cuda.CudaBackend.probe(), true,
        dev.vae4j.backend.cuda.CudaBackend::convolutionsUnavailableReason);
    assumeTrue(reason != null, "this machine runs convolutions on the GPU");
    Backends.Choice choice = Backends.select("auto", Backends.GpuOptions.defaults(), true);
    try (Backend backend = choice.backend()) {
      assertEquals("cpu", backend.name());
      assertEquals("using the CPU: " + reason, choice.reason());
    }
    Backends.BackendUnavailableException e = assertThrows(Backends.BackendUnavailableException.class,
        () -> Backends.select("cuda", Backends.GpuOptions.defaults(), true));
    assertEquals(reason, e.getMessage());
    assertTrue(e.getMessage().lines().count() == 1, "one line");
  }
}
