package dev.vae4j.backend.cpu;

import static dev.vae4j.backend.cpu.CpuTensor.cpu;

import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Elements;
import dev.vae4j.backend.OptimizerOps;
import dev.vae4j.backend.OptimizerParams;
import dev.vae4j.backend.Tensor;
import java.nio.ByteBuffer;

/**
 * {@link OptimizerOps} on the CPU: Adam over ranges split by {@link ParallelRanges}, reading the
 * last gradient part of a split batch inside its pass: where the gradients are still only in
 * their GEMMs' off-heap output and the kernels read it fast, {@link LoopKernels#adamFromMirrors}
 * there, else {@link LoopKernels#adam} on the heap (the scalar loop for both loop kinds, which C2
 * vectorizes); the other rules ({@link #update}) as {@link FusedUpdate}'s loops, the same way; {@link #addInto} a plain loop for the other parts; clipping as two more passes.
 *
 * <p>Every {@link #SUBNORMAL_FLUSH_INTERVAL}th step the optimizer's state ({@code m}, {@code v})
 * has its subnormal values set to zero ({@link LoopKernels#flushSubnormals}). A moment whose
 * gradient stays zero (a dead unit, an input pixel that is always 0, an unused latent dimension)
 * never decays to zero on its own: 0.9 times the smallest subnormals rounds back to them, so such
 * moments stay subnormal for good, about 290,000 of the 652,824 first moments of the 784-400-20
 * benchmark's model after 800 steps. x86 processors compute with subnormal operands through
 * microcode assists of a hundred cycles or more (Intel's more than AMD's), every step, in each
 * loop that reads them. Once zero, such a moment stays zero; the values removed are below 1.2e-38,
 * and changed a parameter by less than {@code lr * 1.2e-38 / eps} per step. The GPU, which
 * computes with subnormals at full speed, keeps them. Only the step number decides when, so runs
 * resume bit for bit.
 */
final class CpuOptimizer implements OptimizerOps {
  /** Elements per partial sum of {@link #gradientSquaredNorm}. */
  private static final int NORM_CHUNK = 1 << 14;
  /** Steps between flushes of the optimizer state's subnormals: often enough to bound a moment's time among them, rarely enough to cost nothing. */
  static final int SUBNORMAL_FLUSH_INTERVAL = 64;
  /** {@code -Dvae4j.flushSubnormals=false} keeps them, to measure what they cost (benchmarks only: it changes the bits). */
  private static final boolean FLUSH_SUBNORMALS = !"false".equals(System.getProperty("vae4j.flushSubnormals"));
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
    CpuTensor p = cpu(params), mt = cpu(m), vt = cpu(v);
    CpuTensor g = CpuTensor.unsynced(grads), g2 = moreGrads == null ? null : CpuTensor.unsynced(moreGrads);
    int n = p.length;
    new Elements(n).checkAdamUpdate(g, g2, mt, vt, step);
    AdamStep k = AdamStep.of(hyper, step);
    int o = p.offset;
    ByteBuffer gm = loops.readsMirrorsFast() && g.offset == o && mt.offset == o && vt.offset == o
        && (g2 == null || g2.offset == o) ? g.mirrorForRead() : null;
    ByteBuffer g2m = gm == null || g2 == null ? null : g2.mirrorForRead();
    boolean fromMirrors = gm != null && (g2 == null || g2m != null); // both parts, or neither
    if (fromMirrors) {
      // The weight gradients as their GEMMs left them, never copied back to the heap (CpuTensor).
      parallel.forRange(n, (from, to) -> loops.adamFromMirrors(p.heap, mt.heap, vt.heap, gm, g2m, o + from, o + to, k));
    } else {
      g.syncHeap();
      if (g2 != null) g2.syncHeap();
      float[] g2Heap = g2 == null ? null : g2.heap;
      int g2Offset = g2 == null ? 0 : g2.offset;
      parallel.forRange(n, (from, to) -> loops.adam(p.heap, p.offset, g.heap, g.offset, g2Heap, g2Offset, mt.heap,
          mt.offset, vt.heap, vt.offset, from, to, k));
    }
    flushSubnormalsIfDue(mt, vt, step);
    p.heapWrittenThrough(loops);
    mt.heapWritten();
    vt.heapWritten();
  }

  /** Plain Adam goes to {@link #adamUpdate}; every other rule to its {@link FusedUpdate} loop. */
  @Override
  public void update(Tensor params, Tensor[] gradParts, Tensor m, Tensor v, OptimizerParams hyper, double l1,
      long step) {
    if (hyper instanceof AdamParams adam && l1 == 0) {
      adamUpdate(params, gradParts, m, v, adam, step);
      return;
    }
    CpuTensor p = cpu(params), mt = cpu(m), vt = cpu(v);
    int n = p.length;
    new Elements(n).checkUpdate(gradParts, mt, vt, step);
    for (int q = 1; q < gradParts.length - 1; q++) addInto(gradParts[q], gradParts[0]);
    CpuTensor g = cpu(gradParts[0]), g2 = gradParts.length > 1 ? cpu(gradParts[gradParts.length - 1]) : null;
    FusedUpdate rule = FusedUpdate.of(hyper, l1, step);
    int o = p.offset;
    if (g.offset == o && mt.offset == o && vt.offset == o && (g2 == null || g2.offset == o)) {
      float[] g2Heap = g2 == null ? null : g2.heap;
      parallel.forRange(n, (from, to) -> rule.apply(p.heap, g.heap, g2Heap, mt.heap, vt.heap, o + from, o + to));
    } else {
      updateCopies(rule, p, g, g2, mt, vt); // slices at differing offsets: only tests make them
    }
    flushSubnormalsIfDue(mt, vt, step);
    p.heapWrittenThrough(loops);
    mt.heapWritten();
    vt.heapWritten();
  }

  /** The state's subnormals set to zero on every {@link #SUBNORMAL_FLUSH_INTERVAL}th step (see the class comment). */
  private void flushSubnormalsIfDue(CpuTensor m, CpuTensor v, long step) {
    if (!FLUSH_SUBNORMALS || step % SUBNORMAL_FLUSH_INTERVAL != 0) return;
    for (CpuTensor t : new CpuTensor[] {m, v}) {
      parallel.forRange(t.length, (from, to) -> loops.flushSubnormals(t.heap, t.offset + from, t.offset + to));
    }
  }

  /** {@code rule} on copies of the slices, which then share index 0, written back after. */
  private static void updateCopies(FusedUpdate rule, CpuTensor p, CpuTensor g, CpuTensor g2, CpuTensor m, CpuTensor v) {
    int n = p.length;
    float[] pc = copy(p, n), mc = copy(m, n), vc = copy(v, n);
    rule.apply(pc, copy(g, n), g2 == null ? null : copy(g2, n), mc, vc, 0, n);
    System.arraycopy(pc, 0, p.heap, p.offset, n);
    System.arraycopy(mc, 0, m.heap, m.offset, n);
    System.arraycopy(vc, 0, v.heap, v.offset, n);
  }

  private static float[] copy(CpuTensor t, int n) {
    return java.util.Arrays.copyOfRange(t.heap, t.offset, t.offset + n);
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

  /**
   * Squares summed in double over fixed chunks of {@link #NORM_CHUNK} elements, the chunks' sums
   * then added in chunk order: the same bits whatever the thread count, so resumes stay exact.
   */
  @Override
  public void gradientSquaredNorm(Tensor[] parts, Tensor out) {
    CpuTensor o = cpu(out), g = cpu(parts[0]);
    int n = g.length;
    new Elements(n).checkClip("gradientSquaredNorm", parts, o, null);
    for (int p = 1; p < parts.length; p++) addInto(parts[p], parts[0]);
    double[] chunkSums = new double[(n + NORM_CHUNK - 1) / NORM_CHUNK];
    parallel.forChunks(chunkSums.length, chunkSums.length, (from, to) -> {
      for (int c = from; c < to; c++) {
        double sum = 0;
        for (int i = c * NORM_CHUNK, end = Math.min(n, i + NORM_CHUNK); i < end; i++) {
          double x = g.heap[g.offset + i];
          sum += x * x;
        }
        chunkSums[c] = sum;
      }
    });
    double total = 0;
    for (double s : chunkSums) total += s;
    o.heap[o.offset] = (float) total;
    o.heapWritten();
  }

  @Override
  public void clipGradients(Tensor grads, Tensor squaredNorm, double max, Tensor normSums) {
    CpuTensor g = cpu(grads), sq = cpu(squaredNorm), sums = cpu(normSums);
    int n = g.length;
    new Elements(n).checkClip("clipGradients", new Tensor[] {g}, sq, sums);
    float norm = (float) Math.sqrt(sq.heap[sq.offset]);
    float scale = (float) (max / (norm + 1e-6));
    if (scale < 1f) {
      parallel.forRange(n, (from, to) -> {
        for (int i = from; i < to; i++) g.heap[g.offset + i] *= scale;
      });
      g.heapWritten();
    }
    sums.heap[sums.offset] += norm;
    sums.heap[sums.offset + 1] += 1f;
    sums.heapWritten();
  }
}
