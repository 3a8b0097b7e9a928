package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link ConvAlgorithm#choose}: the heuristics' first usable answer, or an error that says why none was. */
class ConvAlgorithmTest {
  private static final int FMA = 3, TENSOR_OP = 1, DEFAULT = 0;
  private static final long MIB = 1L << 20;

  @Test
  void takesTheBestRankedUsableResult() {
    ConvAlgorithm a = ConvAlgorithm.choose("test", 4, new int[] {7, 6, 1, 0}, new int[] {3000, 0, 0, 0},
        new long[] {0, 300 * MIB, 2 * MIB, 0}, new int[] {FMA, FMA, FMA, FMA}, false, 256 * MIB);
    assertEquals(new ConvAlgorithm(1, 2 * MIB, FMA), a, "skips the failed one and the one over the workspace limit");
  }

  @Test
  void fp32PassesOverTensorOpMathAndTf32TakesIt() {
    int[] algo = {1, 0}, status = {0, 0}, math = {TENSOR_OP, DEFAULT};
    long[] memory = {MIB, 0};
    assertEquals(0, ConvAlgorithm.choose("test", 2, algo, status, memory, math, false, MIB).algo());
    assertEquals(1, ConvAlgorithm.choose("test", 2, algo, status, memory, math, true, MIB).algo());
  }

  @Test
  void noUsableResultSaysWhatWasRejectedAndWhy() {
    CudaException e = assertThrows(CudaException.class, () -> ConvAlgorithm.choose("the forward convolution for conv x",
        2, new int[] {1, 2}, new int[] {3000, 0}, new long[] {0, 512 * MIB}, new int[] {FMA, FMA}, false, 256 * MIB));
    assertTrue(e.getMessage().startsWith("cuDNN has no usable algorithm for the forward convolution for conv x"), e.getMessage());
    assertTrue(e.getMessage().contains("algo 1 (status 3000)") && e.getMessage().contains("algo 2 (workspace "),
        e.getMessage());
    CudaException none = assertThrows(CudaException.class, () -> ConvAlgorithm.choose("x", 0, new int[8], new int[8],
        new long[8], new int[8], false, MIB));
    assertTrue(none.getMessage().contains("0 ranked"), none.getMessage());
  }
}
