package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The fatbin that the build compiled holds every kernel the Java side launches. Needs no GPU. */
class KernelImageTest {
  private static final List<String> SASS = List.of("sm_80", "sm_86", "sm_89", "sm_90");

  private static KernelImage image() {
    KernelImage image = KernelImage.load();
    assumeTrue(image != null, "this build has no CUDA kernels (nvcc was not found at build time)");
    return image;
  }

  @Test
  void fatbinStartsWithTheFatbinMagic() {
    ByteBuffer header = ByteBuffer.wrap(image().fatbin()).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(KernelImage.FATBIN_MAGIC, header.getInt(0));
  }

  @Test
  void everyLaunchedKernelIsCompiledForEveryArchitecture() {
    Map<String, Set<String>> byArch = image().kernelsByArch();
    assertEquals(SASS, List.copyOf(byArch.keySet()));
    for (String arch : SASS) {
      for (Kernel k : Kernel.values()) {
        assertTrue(byArch.get(arch).contains(k.symbol), k.symbol + " missing for " + arch);
      }
    }
  }

  @Test
  void everyLaunchedKernelIsInTheFatbinBytesAsPtxEntry() {
    // The PTX for compute_90 (JIT fallback for newer GPUs) is stored as text: find each entry.
    String bytes = new String(image().fatbin(), StandardCharsets.ISO_8859_1);
    for (Kernel k : Kernel.values()) {
      assertTrue(bytes.contains(".entry " + k.symbol + "("), k.symbol + " has no PTX entry in the fatbin");
    }
  }

  @Test
  void kernelSymbolsAreUnique() {
    assertEquals(Kernel.values().length,
        java.util.Arrays.stream(Kernel.values()).map(k -> k.symbol).distinct().count());
  }

  @Test
  void parsesTheListing() {
    Map<String, Set<String>> m = KernelImage.parseListing("sm_90 vae4j_fill 12\nsm_80 vae4j_fill 10\n\nsm_80 vae4j_adam 40\n");
    assertEquals(Set.of("vae4j_fill", "vae4j_adam"), m.get("sm_80"));
    assertEquals(Set.of("vae4j_fill"), m.get("sm_90"));
    assertEquals(List.of("sm_80", "sm_90"), List.copyOf(m.keySet()));
  }

  @Test
  void architecturesEndWithThePtxFallback() {
    KernelImage image = image();
    List<String> archs = image.architectures();
    assertNotNull(archs);
    assertEquals("compute_90 (PTX)", archs.get(archs.size() - 1));
  }

  @Test
  void supportsAmpereAndNewerOnly() {
    assertFalse(KernelImage.supports(7, 5));
    assertTrue(KernelImage.supports(8, 0));
    assertTrue(KernelImage.supports(8, 9));
    assertTrue(KernelImage.supports(9, 0));
    assertTrue(KernelImage.supports(12, 0));
  }
}
