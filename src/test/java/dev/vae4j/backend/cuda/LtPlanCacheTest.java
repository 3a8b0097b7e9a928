package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Plans are made once per key, "no algorithm" is remembered, and every plan is destroyed once. */
class LtPlanCacheTest {
  private final List<LtMatmulKey> planned = new ArrayList<>();

  /** A planner that has no algorithm for the BIAS epilogue, and a plan (a string) for the rest. */
  private String plan(LtMatmulKey key) {
    planned.add(key);
    return key.epilogue() == LtEpilogue.BIAS ? null : "plan " + planned.size();
  }

  @Test
  void eachKeyIsPlannedOnce() {
    LtPlanCache<String> cache = new LtPlanCache<>(this::plan);
    LtMatmulKey forward = LtMatmulKey.forward(128, 784, 400, LtEpilogue.RELU_BIAS, 0, 0, 0);
    LtMatmulKey gradient = LtMatmulKey.weightGradient(128, 784, 400, LtEpilogue.BGRADB, 0, 0, 0);
    String first = cache.get(forward);
    for (int step = 0; step < 3; step++) {
      assertSame(first, cache.get(LtMatmulKey.forward(128, 784, 400, LtEpilogue.RELU_BIAS, 0, 0, 0)));
      cache.get(gradient);
    }
    assertEquals(List.of(forward, gradient), planned);
    assertEquals(2, cache.size());
  }

  @Test
  void noAlgorithmIsRememberedToo() {
    LtPlanCache<String> cache = new LtPlanCache<>(this::plan);
    LtMatmulKey unsupported = LtMatmulKey.forward(128, 400, 40, LtEpilogue.BIAS, 0, 0, 0);
    assertNull(cache.get(unsupported));
    assertNull(cache.get(unsupported));
    assertEquals(1, planned.size(), "the heuristic is asked once, even when it has no answer");
  }

  @Test
  void clearDestroysEveryPlanOnce() {
    LtPlanCache<String> cache = new LtPlanCache<>(this::plan);
    cache.get(LtMatmulKey.forward(1, 2, 3, LtEpilogue.RELU, 0, 0, 0));
    cache.get(LtMatmulKey.forward(1, 2, 3, LtEpilogue.BIAS, 0, 0, 0)); // no plan: nothing to destroy
    cache.get(LtMatmulKey.forward(2, 2, 3, LtEpilogue.RELU, 0, 0, 0));
    List<String> destroyed = new ArrayList<>();
    cache.clear(destroyed::add);
    assertEquals(List.of("plan 1", "plan 3"), destroyed.stream().sorted().toList());
    assertEquals(0, cache.size());
  }

  @Test
  void aFailedPlanIsNotCached() {
    int[] calls = {0};
    LtPlanCache<String> cache = new LtPlanCache<>(key -> {
      if (calls[0]++ == 0) throw new CudaException("cublasLtMatmulAlgoGetHeuristic failed");
      return "plan";
    });
    LtMatmulKey key = LtMatmulKey.forward(1, 2, 3, LtEpilogue.RELU, 0, 0, 0);
    assertThrows(CudaException.class, () -> cache.get(key));
    assertEquals("plan", cache.get(key));
  }
}
