package dev.vae4j.backend.cuda;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * cuBLASLt plans by {@link LtMatmulKey}: the planner (descriptors and one {@code
 * cublasLtMatmulAlgoGetHeuristic} call) runs once per key, and its answer is kept, including "no
 * algorithm" (null), so that an unsupported shape falls back to the unfused ops every time without
 * asking cuBLASLt again. Planning happens when an op is first issued, which for a recorded step is
 * while it is probed, so graph capture never plans.
 *
 * @param <P> a plan
 */
final class LtPlanCache<P> {
  private final Function<LtMatmulKey, P> planner;
  /**
   * In planning order, so that {@link #clear} destroys plans in an order that does not depend on
   * hash codes (an enum's is its identity hash, different in every JVM): the CUDA transcript test
   * compares the calls of a backend's close too.
   */
  private final Map<LtMatmulKey, Optional<P>> plans = new LinkedHashMap<>();

  /** @param planner makes the plan for a key, or returns null when cuBLASLt has no algorithm */
  LtPlanCache(Function<LtMatmulKey, P> planner) {
    this.planner = planner;
  }

  /** The plan for {@code key}, made on first use; null when there is none (use the unfused ops). */
  P get(LtMatmulKey key) {
    Optional<P> plan = plans.get(key);
    if (plan == null) {
      plan = Optional.ofNullable(planner.apply(key));
      plans.put(key, plan);
    }
    return plan.orElse(null);
  }

  /** How many keys have been planned (with or without an algorithm). */
  int size() {
    return plans.size();
  }

  /** Hands every plan made to {@code destroy} once and forgets them all. */
  void clear(Consumer<P> destroy) {
    for (Optional<P> plan : plans.values()) plan.ifPresent(destroy);
    plans.clear();
  }
}
