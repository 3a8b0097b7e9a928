package dev.vae4j.backend.cpu;

import static dev.vae4j.backend.cpu.Dnnl.check;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.dnnl.global.dnnl;

/**
 * The GEMMs of {@code --precision bf16}: oneDNN's matmul primitive with bfloat16 A and B and a
 * float32 C, accumulating in float32 (AVX512-BF16's {@code vdpbf16ps}, or AMX tiles). oneDNN has
 * no bf16 {@code gemm} call, so each shape (with its transposes, alpha and beta) gets a primitive,
 * made once; transposed operands are described by their strides, so nothing is reordered; alpha
 * and beta are post-ops (a linear eltwise, then a sum), absent when 1 and 0. As in {@link CpuConv},
 * a primitive with its scratchpad serves one call at a time, so each shape has a pool of them and
 * the batch parts of a step, running the same shapes at once, each take their own.
 */
final class DnnlBf16Gemm implements AutoCloseable {
  private record Shape(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta) {}

  private final Map<Shape, Queue<Plan>> free = new ConcurrentHashMap<>();
  private final Queue<Plan> all = new ConcurrentLinkedQueue<>();

  /**
   * C = alpha op(A) op(B) + beta C as {@link Gemm#multiply} describes it, with A and B given as
   * bfloat16 values ({@link CpuTensor#forBf16Read}); with beta = 0, C's old contents are ignored.
   */
  void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha, ByteBuffer a, ByteBuffer b,
      float beta, FloatBuffer c) {
    Shape shape = new Shape(transA, transB, m, n, k, alpha, beta);
    Queue<Plan> pool = free.computeIfAbsent(shape, s -> new ConcurrentLinkedQueue<>());
    Plan plan = pool.poll();
    if (plan == null) {
      plan = new Plan(shape);
      all.add(plan);
    }
    try {
      plan.primitive.run(a, b, c);
    } finally {
      pool.add(plan);
    }
  }

  @Override
  public void close() {
    for (Plan p : all) p.close();
    all.clear();
    free.clear();
  }

  /** One shape's primitive, its stream and descriptors. */
  private static final class Plan implements AutoCloseable {
    final dnnl_stream stream = new dnnl_stream();
    final dnnl_memory_desc a, b, c;
    final dnnl_primitive_desc pd = new dnnl_primitive_desc();
    final DnnlPrimitive primitive;

    Plan(Shape s) {
      dnnl_engine engine = Dnnl.engine();
      check(dnnl.dnnl_stream_create(stream, engine, dnnl.dnnl_stream_default_flags), "stream_create");
      // Row-major storage; a transposed operand is the same matrix read with its strides swapped.
      a = strided(dnnl.dnnl_bf16, s.m, s.k, s.transA ? 1 : s.k, s.transA ? s.m : 1);
      b = strided(dnnl.dnnl_bf16, s.k, s.n, s.transB ? 1 : s.n, s.transB ? s.k : 1);
      c = strided(dnnl.dnnl_f32, s.m, s.n, s.n, 1);
      dnnl_primitive_attr attr = new dnnl_primitive_attr();
      check(dnnl.dnnl_primitive_attr_create(attr), "primitive_attr_create");
      check(dnnl.dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl.dnnl_scratchpad_mode_user), "set_scratchpad_mode");
      if (s.alpha != 1f || s.beta != 0f) {
        dnnl_post_ops ops = new dnnl_post_ops();
        check(dnnl.dnnl_post_ops_create(ops), "post_ops_create");
        if (s.alpha != 1f) {
          check(dnnl.dnnl_post_ops_append_eltwise(ops, dnnl.dnnl_eltwise_linear, s.alpha, 0f), "post_ops_append_eltwise");
        }
        if (s.beta != 0f) check(dnnl.dnnl_post_ops_append_sum(ops, s.beta, 0, dnnl.dnnl_data_type_undef), "post_ops_append_sum");
        check(dnnl.dnnl_primitive_attr_set_post_ops(attr, ops), "primitive_attr_set_post_ops");
        check(dnnl.dnnl_post_ops_destroy(ops), "post_ops_destroy");
      }
      String what = "bf16 matmul " + s.m + "x" + s.n + "x" + s.k + (s.transA ? " A^T" : "") + (s.transB ? " B^T" : "");
      check(dnnl.dnnl_matmul_primitive_desc_create(pd, engine, a, b, null, c, attr), "matmul primitive_desc_create (" + what + ")");
      check(dnnl.dnnl_primitive_attr_destroy(attr), "primitive_attr_destroy");
      primitive = new DnnlPrimitive(what, engine, stream, pd,
          new DnnlPrimitive.Arg(DNNL_ARG_SRC, false, a),
          new DnnlPrimitive.Arg(DNNL_ARG_WEIGHTS, false, b),
          new DnnlPrimitive.Arg(DNNL_ARG_DST, true, c));
    }

    private static dnnl_memory_desc strided(int type, long rows, long cols, long rowStride, long colStride) {
      dnnl_memory_desc md = new dnnl_memory_desc();
      check(dnnl.dnnl_memory_desc_create_with_strides(md, 2, new long[] {rows, cols}, type,
          new long[] {rowStride, colStride}), "memory_desc_create_with_strides");
      return md;
    }

    @Override
    public void close() {
      primitive.close();
      dnnl.dnnl_primitive_desc_destroy(pd);
      dnnl.dnnl_memory_desc_destroy(a);
      dnnl.dnnl_memory_desc_destroy(b);
      dnnl.dnnl_memory_desc_destroy(c);
      dnnl.dnnl_stream_destroy(stream);
    }
  }
}
