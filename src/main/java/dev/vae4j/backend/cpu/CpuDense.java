package dev.vae4j.backend.cpu;

import static dev.vae4j.backend.cpu.CpuTensor.cpu;
import static dev.vae4j.backend.cpu.CpuTensor.unsynced;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.ActivationFunction;
import dev.vae4j.backend.DenseOps;
import dev.vae4j.backend.GemmDims;
import dev.vae4j.backend.Rows;
import dev.vae4j.backend.Tensor;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * {@link DenseOps} on the CPU: GEMMs through {@link Gemm} (oneDNN or OpenBLAS, reading and
 * writing the tensors' off-heap mirrors), bias + activation and its backward as {@link
 * LoopKernels} over rows split by {@link ParallelRanges}. Dense layers are the interface's
 * defaults: the GEMM, then the loop. With {@code --precision bf16} the GEMMs go to {@link
 * DnnlBf16Gemm} instead, reading the operands' bfloat16 mirrors.
 */
final class CpuDense implements DenseOps {
  private final Gemm gemm;
  private final ParallelRanges parallel;
  private final LoopKernels loops;
  /** The bfloat16 GEMMs, or null in FP32. */
  private final DnnlBf16Gemm bf16;

  CpuDense(Gemm gemm, ParallelRanges parallel, LoopKernels loops, DnnlBf16Gemm bf16) {
    this.gemm = gemm;
    this.parallel = parallel;
    this.loops = loops;
    this.bf16 = bf16;
  }

  @Override
  public void gemm(
      boolean transA, boolean transB, int m, int n, int k, float alpha,
      Tensor a, Tensor b, float beta, Tensor c) {
    // Through the mirrors only, which bring themselves up to date: C's output stays there until
    // its heap is asked for (CpuTensor), so a weight gradient that only Adam reads is never copied back.
    CpuTensor at = unsynced(a), bt = unsynced(b), ct = unsynced(c);
    new GemmDims(m, n, k).check(at, bt, ct);
    int count = m * n;
    FloatBuffer cm;
    if (bf16 != null) {
      ByteBuffer am = at.forBf16Read(loops), bm = bt.forBf16Read(loops);
      cm = beta == 0f ? ct.forBlasWrite(count) : ct.forBlasRead();
      bf16.multiply(transA, transB, m, n, k, alpha, am, bm, beta, cm);
    } else {
      FloatBuffer am = at.forBlasRead(), bm = bt.forBlasRead();
      cm = beta == 0f ? ct.forBlasWrite(count) : ct.forBlasRead();
      gemm.multiply(transA, transB, m, n, k, alpha, am, bm, beta, cm, parallel);
    }
    ct.blasWritten(count);
  }

  @Override
  public void biasActivation(Tensor x, Tensor bias, Tensor pre, int rows, int cols, ActivationFunction function) {
    Activation act = function.kind();
    CpuTensor xt = cpu(x);
    CpuTensor bt = bias == null ? null : cpu(bias), pt = pre == null ? null : cpu(pre);
    new Rows(rows, cols).checkBiasActivation(xt, bt, pt);
    float[] b = bt == null ? null : bt.heap;
    int bo = bt == null ? 0 : bt.offset;
    if (act == Activation.SIGMOID) {
      loops.biasRelu(xt.heap, xt.offset, b, bo, 0, rows, cols, false);
      if (pt != null) {
        System.arraycopy(xt.heap, xt.offset, pt.heap, pt.offset, rows * cols);
        pt.heapWritten();
      }
      parallel.forRange(rows * cols, (from, to) -> loops.sigmoid(xt.heap, xt.offset + from, xt.offset + to));
    } else if (pt != null || act == Activation.ELU || act == Activation.TANH || act == Activation.LEAKY_RELU
        || act == Activation.GELU) {
      parallel.forRows(rows, cols, (from, to) -> {
        loops.biasRelu(xt.heap, xt.offset, b, bo, from, to, cols, false);
        if (pt != null) System.arraycopy(xt.heap, xt.offset + from * cols, pt.heap, pt.offset + from * cols, (to - from) * cols);
        loops.activate(xt.heap, xt.offset + from * cols, xt.offset + to * cols, function);
      });
      if (pt != null) pt.heapWritten();
    } else {
      boolean relu = act == Activation.RELU;
      parallel.forRows(rows, cols, (from, to) -> loops.biasRelu(xt.heap, xt.offset, b, bo, from, to, cols, relu));
    }
    xt.heapWritten();
  }

  @Override
  public void activationBackward(
      Tensor grad, Tensor output, Tensor biasGrad, int rows, int cols, ActivationFunction function) {
    Activation act = function.kind();
    CpuTensor g = cpu(grad), y = cpu(output);
    CpuTensor bg = biasGrad == null ? null : cpu(biasGrad);
    new Rows(rows, cols).checkActivationBackward(g, y, bg);
    if (act == Activation.SIGMOID) {
      throw new UnsupportedOperationException("activationBackward does not support SIGMOID");
    }
    if (act == Activation.RELU) {
      parallel.forRange(rows * cols, (from, to) -> loops.reluBackward(g.heap, g.offset, y.heap, y.offset, from, to));
      g.heapWritten();
    } else if (act == Activation.ELU || act == Activation.TANH || act == Activation.LEAKY_RELU
        || act == Activation.GELU) {
      parallel.forRange(rows * cols, (from, to) ->
          loops.activationBackward(g.heap, g.offset, y.heap, y.offset, from, to, function));
      g.heapWritten();
    }
    if (bg != null) {
      parallel.forRows(cols, rows, (from, to) ->
          loops.columnSums(g.heap, g.offset, rows, cols, from, to, bg.heap, bg.offset));
      bg.heapWritten();
    }
  }
}
