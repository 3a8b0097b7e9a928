package dev.vae4j.backend.cpu;

import static dev.vae4j.backend.cpu.CpuTensor.cpu;

import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Elements;
import dev.vae4j.backend.OptimizerOps;
import dev.vae4j.backend.Tensor;

/**
 * {@link OptimizerOps} on the CPU: Adam as {@link LoopKernels#adam} (the scalar loop for both loop
 * kinds, which C2 vectorizes) over ranges split by {@link ParallelRanges}, reading the last
 * gradient part of a split batch inside its pass; {@link #addInto} a plain loop for the others.
 */
final class CpuOptimizer implements OptimizerOps {
  private final ParallelRanges parallel;
  private final LoopKernels loops;

  CpuOptimizer(ParallelRanges parallel, LoopKernels loops) {
    this.parallel = parallel;
    this.loops = loops;
  }

  @Override
  public void adamUpdate(Tensor params, Tensor grads, Tensor m, Tensor v, AdamParams hyper, long step) {
    adam(params, grads, null, m, v, hyper, step);
  }

  /** Sums all parts but the last into the first, then adds the last inside the Adam pass. */
  @Override
  public void adamUpdate(Tensor params, Tensor[] gradParts, Tensor m, Tensor v, AdamParams hyper, long step) {
    for (int p = 1; p < gradParts.length - 1; p++) addInto(gradParts[p], gradParts[0]);
    adam(params, gradParts[0], gradParts.length > 1 ? gradParts[gradParts.length - 1] : null, m, v, hyper, step);
  }

  /** Adam with gradient {@code grads}, plus {@code moreGrads} when not null. */
  private void adam(Tensor params, Tensor grads, Tensor moreGrads, Tensor m, Tensor v, AdamParams hyper, long step) {
    CpuTensor p = cpu(params), g = cpu(grads), mt = cpu(m), vt = cpu(v);
    CpuTensor g2 = moreGrads == null ? null : cpu(moreGrads);
    int n = p.length;
    new Elements(n).checkAdamUpdate(g, g2, mt, vt, step);
    AdamStep k = AdamStep.of(hyper, step);
    float[] g2Heap = g2 == null ? null : g2.heap;
    int g2Offset = g2 == null ? 0 : g2.offset;
    parallel.forRange(n, (from, to) -> loops.adam(p.heap, p.offset, g.heap, g.offset, g2Heap, g2Offset, mt.heap,
        mt.offset, vt.heap, vt.offset, from, to, k));
    p.heapWrittenThrough();
    mt.heapWritten();
    vt.heapWritten();
  }

  @Override
  public void addInto(Tensor src, Tensor dst) {
    CpuTensor s = cpu(src), d = cpu(dst);
    new Elements(s.length).checkInto("addInto", d);
    parallel.forRange(s.length, (from, to) -> {
      for (int i = from; i < to; i++) d.heap[d.offset + i] += s.heap[s.offset + i];
    });
    d.heapWritten();
  }
}
