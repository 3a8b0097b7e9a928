package dev.vae4j.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The kernels this build carries: the fatbin that {@code native/build.sh} compiled (loaded onto the
 * GPU with {@code cuModuleLoadData}) and its listing of kernels per architecture from ptxas'
 * resource report. Both are classpath resources; a build made without nvcc has neither.
 *
 * @param fatbin the fatbin's bytes
 * @param kernelsByArch for each SASS architecture ({@code sm_80}, ...) its kernel symbols
 */
record KernelImage(byte[] fatbin, Map<String, Set<String>> kernelsByArch) {
  static final String FATBIN = "vae4j_kernels.fatbin";
  static final String LISTING = "vae4j_kernels.txt";

  /** The first four bytes of a fatbin container (0xBA55ED50, little-endian). */
  static final int FATBIN_MAGIC = 0xBA55ED50;

  /** SASS targets below this compute capability are not built; PTX covers newer ones. */
  static final int MIN_COMPUTE_CAPABILITY = 80;

  static final String NO_KERNELS =
      "this build has no CUDA kernels (nvcc was not found when it was built; see native/README.md)";

  /** This build's kernels, or null when it was built without nvcc. */
  static KernelImage load() {
    byte[] fatbin = resource(FATBIN);
    byte[] listing = resource(LISTING);
    if (fatbin == null || listing == null) return null;
    return new KernelImage(fatbin, parseListing(new String(listing, StandardCharsets.UTF_8)));
  }

  /** Parses lines of {@code "arch kernel registers"}. */
  static Map<String, Set<String>> parseListing(String text) {
    Map<String, Set<String>> byArch = new TreeMap<>();
    for (String line : text.split("\n")) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length < 2) continue;
      byArch.computeIfAbsent(fields[0], a -> new TreeSet<>()).add(fields[1]);
    }
    Map<String, Set<String>> frozen = new TreeMap<>();
    byArch.forEach((arch, names) -> frozen.put(arch, Collections.unmodifiableSet(names)));
    return Collections.unmodifiableMap(frozen);
  }

  /** Architectures with SASS, in order, plus the PTX fallback. */
  List<String> architectures() {
    List<String> out = new ArrayList<>(kernelsByArch.keySet());
    out.add("compute_90 (PTX)");
    return out;
  }

  /** Whether a GPU of this compute capability can run these kernels (SASS or PTX JIT). */
  static boolean supports(int major, int minor) {
    return major * 10 + minor >= MIN_COMPUTE_CAPABILITY;
  }

  private static byte[] resource(String name) {
    try (InputStream in = KernelImage.class.getResourceAsStream(name)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("reading resource " + name, e);
    }
  }
}
