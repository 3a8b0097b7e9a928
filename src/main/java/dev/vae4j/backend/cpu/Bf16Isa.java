package dev.vae4j.backend.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.bytedeco.dnnl.global.dnnl;

/**
 * Whether this processor runs bfloat16 dot products natively: AVX512-BF16 ({@code vdpbf16ps}) or
 * AMX-BF16 tiles. Without them oneDNN would still run a bf16 matmul, by converting to float32 in
 * software, slower than the FP32 GEMM it replaces, so {@code --precision bf16} is refused instead.
 *
 * <p>The flags come from the system property {@code vae4j.cpu.flags} when set (a space-separated
 * list, for tests and for machines whose {@code /proc/cpuinfo} hides what they have), else from
 * the first {@code flags} line of {@code /proc/cpuinfo} (Linux); where there is neither, oneDNN's
 * effective ISA decides (it reads CPUID itself).
 */
final class Bf16Isa {
  static final String FLAGS_PROPERTY = "vae4j.cpu.flags";
  private static final List<String> NATIVE_BF16 = List.of("avx512_bf16", "amx_bf16");

  private Bf16Isa() {}

  /** Why this machine cannot run BF16 GEMMs natively, or null when it can. */
  static String unsupportedReason() {
    return unsupportedReason(flags(), Bf16Isa::dnnlIsa);
  }

  /**
   * Why a processor with {@code flags} (empty: unknown) cannot, or null when it can; {@code isa} names
   * oneDNN's effective ISA, asked only when the flags are unknown.
   */
  static String unsupportedReason(Optional<String> flags, Supplier<String> isa) {
    if (flags.isPresent()) {
      List<String> have = Arrays.asList(flags.get().trim().split("\\s+"));
      if (NATIVE_BF16.stream().anyMatch(have::contains)) return null;
      return "--precision bf16 needs a CPU with AVX512-BF16 or AMX-BF16 (flags avx512_bf16 or amx_bf16), "
          + "and this one has neither; use --precision fp32";
    }
    String name = isa.get().toLowerCase(java.util.Locale.ROOT);
    if (name.contains("bf16") || name.contains("amx") || name.contains("avx10")) return null;
    return "--precision bf16 needs a CPU with AVX512-BF16 or AMX-BF16, and oneDNN finds only " + name
        + "; use --precision fp32";
  }

  /** The CPU's flags: the property, else /proc/cpuinfo's first flags line, else empty. */
  static Optional<String> flags() {
    String given = System.getProperty(FLAGS_PROPERTY);
    if (given != null) return Optional.of(given);
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("flags"))
          .map(l -> l.substring(l.indexOf(':') + 1))
          .findFirst();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String dnnlIsa() {
    return DnnlGemm.isaName(dnnl.dnnl_get_effective_cpu_isa());
  }
}
