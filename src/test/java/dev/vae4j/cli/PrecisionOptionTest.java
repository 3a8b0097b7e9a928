package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vae4j.Vae;
import dev.vae4j.backend.Precision;
import dev.vae4j.backend.cpu.CpuBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --precision} and {@code bench --precision}: usage errors, the refusal on a CPU
 * without native BF16 (its flags injected), config.json's key (only for bf16), and a bf16 run
 * resumed bit for bit.
 */
class PrecisionOptionTest {
  private static final String FLAGS = "vae4j.cpu.flags";
  @TempDir Path dir;

  @Test
  void aBadValueIsAOneLineUsageError() {
    CliRun train = run("train", "--precision", "fp16", "--out", dir.resolve("never").toString());
    assertEquals(2, train.code(), train.err());
    assertEquals("vae4j: error: --precision must be fp32 or bf16, got 'fp16'", train.err().lines().findFirst().orElse(""));
    CliRun bench = run("bench", "--device", "cpu", "--precision", "half");
    assertEquals(2, bench.code(), bench.err());
    assertEquals("vae4j: error: --precision must be fp32 or bf16, got 'half'", bench.err().lines().findFirst().orElse(""));
  }

  @Test
  void aCpuWithoutNativeBf16IsRefusedInOneLine() {
    String before = System.getProperty(FLAGS);
    System.setProperty(FLAGS, "fpu sse4_2 avx2 fma avx512f avx512bw avx512vl");
    try {
      CliRun o = run("train", "--precision", "bf16", "--device", "cpu", "--out", dir.resolve("never").toString());
      assertEquals(2, o.code(), o.err());
      assertEquals(java.util.List.of("vae4j: error: --precision bf16 needs a CPU with AVX512-BF16 or AMX-BF16 (flags "
          + "avx512_bf16 or amx_bf16), and this one has neither", "use --precision fp32"), o.err().strip().lines().toList());
      assertFalse(Files.exists(dir.resolve("never")), "nothing written");
      CliRun bench = run("bench", "--device", "cpu", "--precision", "bf16", "--steps", "1", "--warmup", "0");
      assertEquals(2, bench.code(), bench.err());
    } finally {
      if (before == null) System.clearProperty(FLAGS);
      else System.setProperty(FLAGS, before);
    }
  }

  @Test
  void convolutionalModelsAreRefused() {
    CliRun o = run("train", "--precision", "bf16", "--conv", "--device", "cpu", "--out", dir.resolve("never").toString());
    assertEquals(2, o.code(), o.err());
    assertEquals("vae4j: error: --precision bf16 works with MLP models only, not with --conv",
        o.err().lines().findFirst().orElse(""));
  }

  @Test
  void configJsonRecordsBf16AndResumeKeepsItBitForBit() throws Exception {
    assumeTrue(CpuBackend.unsupportedReason(Precision.BF16) == null, "no native BF16 on this CPU");
    String[] common = {"--hidden", "32", "--latent", "3", "--batch-size", "128", "--checkpoint-every", "5", "--device", "cpu"};
    Path straight = dir.resolve("straight"), resumed = dir.resolve("resumed"), fp32 = dir.resolve("fp32");
    CliRun s = run(OptionRuns.train(common, "--precision", "bf16", "--epochs", "2", "--out", straight.toString()));
    assertEquals(0, s.code(), s.err());
    assertTrue(s.err().contains("GEMMs in bf16"), s.err());
    assertEquals(0, run(OptionRuns.train(common, "--precision", "bf16", "--epochs", "1", "--out", resumed.toString())).code());
    CliRun more = run("train", "--resume", resumed.toString(), "--epochs", "2");
    assertEquals(0, more.code(), more.err());
    assertEquals(0, run(OptionRuns.train(common, "--epochs", "2", "--out", fp32.toString())).code());
    assertTrue(Files.readString(resumed.resolve("config.json")).contains("\"precision\" : \"bf16\""));
    assertFalse(Files.readString(fp32.resolve("config.json")).contains("precision"), "FP32 runs' files as before");
    try (CpuBackend cpu = new CpuBackend()) {
      float[] bf16 = Vae.load(straight.resolve("model.safetensors"), cpu).parameters();
      assertArrayEquals(bf16, Vae.load(resumed.resolve("model.safetensors"), cpu).parameters(), "resumed in bf16");
      assertFalse(Arrays.equals(bf16, Vae.load(fp32.resolve("model.safetensors"), cpu).parameters()),
          "bf16 GEMMs round: the weights differ from FP32's");
    }
  }

  @Test
  void benchPrintsThePrecision() {
    assumeTrue(CpuBackend.unsupportedReason(Precision.BF16) == null, "no native BF16 on this CPU");
    CliRun o = run("bench", "--device", "cpu", "--precision", "bf16", "--hidden", "16", "--latent", "2",
        "--steps", "2", "--rounds", "1", "--warmup", "1", "--max-warmup-seconds", "0");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("precision: bf16"), o.out());
    assertTrue(o.err().contains("GEMMs in bf16"), o.err());
  }
}
