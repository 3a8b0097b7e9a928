package dev.vae4j.backend.cpu;

import static dev.vae4j.backend.cpu.CpuTensor.unsynced;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.ConvOps;
import dev.vae4j.backend.ConvShape;
import dev.vae4j.backend.Tensor;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * {@link ConvOps} on the CPU through oneDNN's convolution and deconvolution primitives ({@link
 * DnnlConvPlan}), which run on oneDNN's OpenMP threads, confined like its GEMMs to the batch part's
 * share of the cores. Operands are read from and written to the tensors' off-heap mirrors ({@link
 * CpuTensor}), as the GEMMs are, outputs staying there until their heap is asked for.
 *
 * <p>A oneDNN primitive with its scratchpad and reorder buffers serves one call at a time, and the
 * batch parts of a step run the same shapes at once; so each shape has a pool of plans, and {@link
 * #prepareConv} fills it with one per part that can run at once. An op takes a plan from its
 * shape's pool and gives it back, making one only when none is free (a shape never prepared).
 */
final class CpuConv implements ConvOps, AutoCloseable {
  private final int concurrency;
  private final Map<ConvShape, Queue<DnnlConvPlan>> free = new ConcurrentHashMap<>();
  private final Queue<DnnlConvPlan> all = new ConcurrentLinkedQueue<>();

  /** @param concurrency how many batch parts may run convolutions of one shape at once */
  CpuConv(int concurrency) {
    this.concurrency = concurrency;
  }

  @Override
  public void prepareConv(ConvShape shape) {
    Queue<DnnlConvPlan> pool = pool(shape);
    synchronized (pool) {
      while (pool.size() < concurrency) pool.add(create(shape));
    }
  }

  @Override
  public void convForward(ConvShape shape, Tensor x, Tensor w, Tensor bias, Tensor y, Activation act) {
    CpuTensor xt = unsynced(x), wt = unsynced(w), bt = bias == null ? null : unsynced(bias), yt = unsynced(y);
    shape.checkForward(xt, wt, bt, yt);
    if (act != Activation.IDENTITY && act != Activation.RELU) {
      throw new IllegalArgumentException("convForward supports IDENTITY and RELU, not " + act);
    }
    long out = shape.batch() * shape.outputSize();
    FloatBuffer ym = yt.forBlasWrite(out);
    DnnlConvPlan plan = take(shape);
    try {
      plan.forward(xt.forBlasRead(), wt.forBlasRead(), bt == null ? null : bt.forBlasRead(), ym, act);
    } finally {
      giveBack(shape, plan);
    }
    yt.blasWritten(out);
  }

  @Override
  public void convBackwardData(ConvShape shape, Tensor dy, Tensor w, Tensor dx) {
    CpuTensor dyt = unsynced(dy), wt = unsynced(w), dxt = unsynced(dx);
    shape.checkBackwardData(dyt, wt, dxt);
    long in = shape.batch() * shape.inputSize();
    FloatBuffer dxm = dxt.forBlasWrite(in);
    DnnlConvPlan plan = take(shape);
    try {
      plan.backwardData(dyt.forBlasRead(), wt.forBlasRead(), dxm);
    } finally {
      giveBack(shape, plan);
    }
    dxt.blasWritten(in);
  }

  @Override
  public void convBackwardWeights(ConvShape shape, Tensor x, Tensor dy, Tensor weightGrad, Tensor biasGrad) {
    CpuTensor xt = unsynced(x), dyt = unsynced(dy), wg = unsynced(weightGrad), bg = biasGrad == null ? null : unsynced(biasGrad);
    shape.checkBackwardWeights(xt, dyt, wg, bg);
    FloatBuffer wgm = wg.forBlasWrite(shape.weightSize()), bgm = bg == null ? null : bg.forBlasWrite(shape.outChannels());
    DnnlConvPlan plan = take(shape);
    try {
      plan.backwardWeights(xt.forBlasRead(), dyt.forBlasRead(), wgm, bgm);
    } finally {
      giveBack(shape, plan);
    }
    wg.blasWritten(shape.weightSize());
    if (bg != null) bg.blasWritten(shape.outChannels());
  }

  private Queue<DnnlConvPlan> pool(ConvShape shape) {
    return free.computeIfAbsent(shape, s -> new ConcurrentLinkedQueue<>());
  }

  private DnnlConvPlan take(ConvShape shape) {
    DnnlConvPlan plan = pool(shape).poll();
    return plan != null ? plan : create(shape);
  }

  private void giveBack(ConvShape shape, DnnlConvPlan plan) {
    pool(shape).add(plan);
  }

  private DnnlConvPlan create(ConvShape shape) {
    DnnlConvPlan plan;
    try {
      plan = new DnnlConvPlan(shape);
    } catch (LinkageError e) {
      throw new IllegalStateException("convolutions on the CPU need oneDNN, whose natives did not load: " + e, e);
    }
    all.add(plan);
    return plan;
  }

  /** Frees every plan's primitives and buffers. */
  @Override
  public void close() {
    for (DnnlConvPlan plan; (plan = all.poll()) != null; ) plan.close();
    free.clear();
  }
}
