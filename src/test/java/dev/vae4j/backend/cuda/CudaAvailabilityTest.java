package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.vae4j.Backends;
import org.junit.jupiter.api.Test;

/**
 * How the CUDA backend and the selection behave where it cannot run (CI: no driver, no GPU). On a
 * machine with a GPU these checks are skipped and the gpu-tagged tests cover the other side.
 */
class CudaAvailabilityTest {

  @Test
  void probeNeverThrowsAndExplainsItself() {
    CudaInfo info = CudaBackend.probe();
    assertNotNull(info);
    assertEquals(info.available(), info.reason() == null, "a reason exactly when unavailable: " + info);
    assertEquals(KernelImage.load() != null, info.kernelsBuilt());
  }

  @Test
  void withoutAGpuTheBackendRefusesWithTheReason() {
    CudaInfo info = CudaBackend.probe();
    assumeFalse(info.available(), "a GPU is present");
    CudaException e = assertThrows(CudaException.class, CudaBackend::new);
    assertTrue(e.getMessage().contains(info.reason()), e.getMessage());
  }

  @Test
  void withoutAGpuAutoPicksTheCpuAndSaysWhy() {
    CudaInfo info = CudaBackend.probe();
    assumeFalse(info.available(), "a GPU is present");
    Backends.Choice choice = Backends.auto();
    try {
      assertEquals("cpu", choice.backend().name());
      assertTrue(choice.reason().contains(info.reason()), choice.reason());
    } finally {
      choice.backend().close();
    }
  }

  @Test
  void withoutAGpuAskingForCudaFailsWithTheReason() {
    CudaInfo info = CudaBackend.probe();
    assumeFalse(info.available(), "a GPU is present");
    Backends.BackendUnavailableException e =
        assertThrows(Backends.BackendUnavailableException.class, () -> Backends.select("cuda"));
    assertTrue(e.getMessage().contains(info.reason()), e.getMessage());
  }

  @Test
  void gpuOptionsDoNotChangeTheFallback() {
    CudaInfo info = CudaBackend.probe();
    assumeFalse(info.available(), "a GPU is present");
    Backends.GpuOptions tf32NoGraph = new Backends.GpuOptions(true, false);
    Backends.Choice choice = Backends.select("auto", tf32NoGraph);
    try {
      assertEquals("cpu", choice.backend().name());
    } finally {
      choice.backend().close();
    }
    Backends.BackendUnavailableException e = assertThrows(Backends.BackendUnavailableException.class,
        () -> Backends.select("cuda", tf32NoGraph));
    assertTrue(e.getMessage().contains(info.reason()), e.getMessage());
    assertEquals(new Backends.GpuOptions(false, true), Backends.GpuOptions.defaults(), "FP32 and graphs by default");
  }

  @Test
  void explainsMissingLibraries() {
    assertEquals("no NVIDIA driver (libcuda.so.1 not found)", CudaLibraries.explain(new UnsatisfiedLinkError(
        "/x/libjnicudart.so: libcuda.so.1: cannot open shared object file: No such file or directory")));
    UnsatisfiedLinkError outer = new UnsatisfiedLinkError("no jnicublas in java.library.path");
    outer.initCause(new UnsatisfiedLinkError("libjnicublas.so: libcublas.so.13: cannot open shared object file"));
    String cublas = CudaLibraries.explain(outer);
    assertTrue(cublas.startsWith("CUDA 13 library libcublas.so.13 not found"), cublas);
    assertTrue(CudaLibraries.explain(new NoClassDefFoundError("weird")).contains("weird"));
  }

  @Test
  void explainsAMissingCudnnByItsLibrary() {
    UnsatisfiedLinkError outer = new UnsatisfiedLinkError("no jnicudnn in java.library.path");
    outer.initCause(new UnsatisfiedLinkError(
        "/tmp/x/libjnicudnn.so: libcudnn_cnn.so.9: cannot open shared object file: No such file or directory"));
    String why = CudaLibraries.explainCudnn(outer);
    assertTrue(why.startsWith("cuDNN 9 library libcudnn_cnn.so.9 not found: install cuDNN 9 for CUDA 13"), why);
    assertTrue(why.contains("LD_LIBRARY_PATH") && why.lines().count() == 1, why);
    assertTrue(CudaLibraries.explainCudnn(new NoClassDefFoundError("weird")).startsWith("cuDNN 9 could not be loaded: "));
  }

  @Test
  void withoutTheCudaLibrariesConvolutionsGiveTheirReason() {
    assumeFalse(CudaLibraries.failure() == null, "the CUDA libraries load here");
    assertEquals(CudaLibraries.failure(), CudaBackend.convolutionsUnavailableReason());
  }

  @Test
  void libraryFailureIsStable() {
    // Loading is attempted once; asking twice gives the same answer, and never throws.
    assertEquals(CudaLibraries.failure(), CudaLibraries.failure());
  }

  @Test
  void versionsAreMajorDotMinor() {
    assertEquals("13.0", CudaInfo.version(13000));
    assertEquals("12.8", CudaInfo.version(12080));
  }

  @Test
  void unavailableInfoHasNoGpusOrSaysWhyNot() {
    CudaInfo info = CudaBackend.probe();
    if (!info.available()) {
      assertFalse(info.reason().isBlank());
    } else {
      assertNull(info.reason());
      assertFalse(info.gpus().isEmpty());
    }
  }
}
