package dev.vae4j.backend.cuda;

import static org.bytedeco.cuda.global.cudart.cudaDevAttrComputeCapabilityMajor;
import static org.bytedeco.cuda.global.cudart.cudaDevAttrComputeCapabilityMinor;
import static org.bytedeco.cuda.global.cudart.cudaDevAttrMultiProcessorCount;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds out, without creating a backend, whether the CUDA backend can run: kernels in the build,
 * loadable libraries, a driver, a GPU new enough. Each check that fails becomes the reason.
 * Device properties are read one attribute at a time rather than through {@code cudaDeviceProp},
 * whose layout may differ between the 13.3 headers of the bindings and a 13.0 runtime.
 */
final class CudaProbe {
  private CudaProbe() {}

  static CudaInfo probe() {
    KernelImage image = KernelImage.load();
    String libraryFailure = CudaLibraries.failure();
    if (libraryFailure != null) {
      List<String> archs = image == null ? List.of() : image.architectures();
      return unavailable(reasonWithKernels(image, libraryFailure), null, null, List.of(), image, archs);
    }
    return probe(new RealCuda(), image);
  }

  /** The checks after the libraries loaded, through {@code api} (a fake's in the transcript test). */
  static CudaInfo probe(CudaApi api, KernelImage image) {
    List<String> archs = image == null ? List.of() : image.architectures();
    String driver = null, runtime = null;
    try {
      int[] v = new int[1];
      Status.runtime(api.cudaDriverGetVersion(v), "cudaDriverGetVersion");
      driver = v[0] == 0 ? null : CudaInfo.version(v[0]);
      Status.runtime(api.cudaRuntimeGetVersion(v), "cudaRuntimeGetVersion");
      runtime = CudaInfo.version(v[0]);
      if (driver == null) {
        return unavailable(reasonWithKernels(image, "no NVIDIA driver is loaded"), null, runtime, List.of(), image, archs);
      }
      int[] count = new int[1];
      int rc = api.cudaGetDeviceCount(count);
      if (rc != 0 || count[0] == 0) {
        String why = rc != 0 ? "no usable CUDA GPU: " + errorText(rc) : "no CUDA GPU found";
        return unavailable(reasonWithKernels(image, why), driver, runtime, List.of(), image, archs);
      }
      List<CudaInfo.Gpu> gpus = gpus(api, count[0]);
      if (image == null) {
        return unavailable(KernelImage.NO_KERNELS, driver, runtime, gpus, null, archs);
      }
      CudaInfo.Gpu first = gpus.get(0);
      if (!KernelImage.supports(first.major(), first.minor())) {
        return unavailable(first.name() + " has compute capability " + first.major() + "." + first.minor()
            + "; the kernels need " + KernelImage.MIN_COMPUTE_CAPABILITY / 10 + ".0 or newer",
            driver, runtime, gpus, image, archs);
      }
      return new CudaInfo(true, null, driver, runtime, gpus, true, archs);
    } catch (RuntimeException | LinkageError e) {
      return unavailable(reasonWithKernels(image, "CUDA probe failed: " + e.getMessage()), driver, runtime,
          List.of(), image, archs);
    }
  }

  private static List<CudaInfo.Gpu> gpus(CudaApi api, int count) {
    Status.driver(api.cuInit(0), "cuInit");
    List<CudaInfo.Gpu> gpus = new ArrayList<>();
    for (int d = 0; d < count; d++) {
      int[] handle = new int[1];
      Status.driver(api.cuDeviceGet(handle, d), "cuDeviceGet");
      byte[] name = new byte[256];
      Status.driver(api.cuDeviceGetName(name, name.length, handle[0]), "cuDeviceGetName");
      long[] memory = new long[1];
      Status.driver(api.cuDeviceTotalMem(memory, handle[0]), "cuDeviceTotalMem");
      gpus.add(new CudaInfo.Gpu(d, cString(name), memory[0],
          attribute(api, cudaDevAttrComputeCapabilityMajor, d), attribute(api, cudaDevAttrComputeCapabilityMinor, d),
          attribute(api, cudaDevAttrMultiProcessorCount, d)));
    }
    return gpus;
  }

  static int attribute(CudaApi api, int attribute, int device) {
    int[] value = new int[1];
    Status.runtime(api.cudaDeviceGetAttribute(value, attribute, device), "cudaDeviceGetAttribute(" + attribute + ")");
    return value[0];
  }

  private static String errorText(int rc) {
    try {
      Status.runtime(rc, "cudaGetDeviceCount");
      return "";
    } catch (CudaException e) {
      return e.getMessage();
    }
  }

  /** A missing kernel image is the first thing to fix, so it leads the reason. */
  private static String reasonWithKernels(KernelImage image, String reason) {
    return image == null ? KernelImage.NO_KERNELS + "; also " + reason : reason;
  }

  private static CudaInfo unavailable(String reason, String driver, String runtime, List<CudaInfo.Gpu> gpus,
      KernelImage image, List<String> archs) {
    return new CudaInfo(false, reason, driver, runtime, gpus, image != null, archs);
  }

  private static String cString(byte[] bytes) {
    int n = 0;
    while (n < bytes.length && bytes[n] != 0) n++;
    return new String(bytes, 0, n, java.nio.charset.StandardCharsets.UTF_8);
  }
}
