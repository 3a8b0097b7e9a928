package dev.vae4j.backend.cpu;

import static dev.vae4j.backend.cpu.Dnnl.check;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * One tensor argument of a oneDNN primitive: the caller's buffer in vae4j's plain layout (NCHW,
 * PyTorch's weight layouts), and, only where the primitive prefers another layout (it was created
 * with {@code format_tag::any}), a buffer of its own in that layout and the reorder between the two:
 * before the primitive for an input, after it for an output. All of it is made once, with the
 * primitive; a call only points the plain memory at the caller's buffer.
 */
final class DnnlOperand implements AutoCloseable {
  final int arg;
  final boolean output;
  private final dnnl_memory plain;
  /** What the primitive reads or writes: {@link #plain}, or the buffer in its preferred layout. */
  final dnnl_memory used;
  private final dnnl_primitive reorder;
  private final dnnl_exec_arg_t reorderArgs;
  private final FloatPointer own;

  /**
   * @param plainDesc the caller's layout; {@code preferred} what the primitive descriptor reports
   *     for this argument (owned by that descriptor)
   */
  DnnlOperand(dnnl_engine engine, int arg, boolean output, dnnl_memory_desc plainDesc, dnnl_memory_desc preferred) {
    this.arg = arg;
    this.output = output;
    plain = new dnnl_memory();
    check(dnnl.dnnl_memory_create(plain, plainDesc, engine, null), "memory_create");
    if (dnnl.dnnl_memory_desc_equal(plainDesc, preferred) != 0) {
      used = plain;
      reorder = null;
      reorderArgs = null;
      own = null;
      return;
    }
    own = Dnnl.alignedFloats(dnnl.dnnl_memory_desc_get_size(preferred));
    used = new dnnl_memory();
    check(dnnl.dnnl_memory_create(used, preferred, engine, own), "memory_create");
    dnnl_primitive_desc pd = new dnnl_primitive_desc();
    check(output ? dnnl.dnnl_reorder_primitive_desc_create(pd, preferred, engine, plainDesc, engine, null)
        : dnnl.dnnl_reorder_primitive_desc_create(pd, plainDesc, engine, preferred, engine, null), "reorder");
    reorder = new dnnl_primitive();
    check(dnnl.dnnl_primitive_create(reorder, pd), "primitive_create (reorder)");
    check(dnnl.dnnl_primitive_desc_destroy(pd), "primitive_desc_destroy");
    reorderArgs = new dnnl_exec_arg_t(2);
    reorderArgs.position(0).arg(DNNL_ARG_FROM).memory(output ? used : plain);
    reorderArgs.position(1).arg(DNNL_ARG_TO).memory(output ? plain : used);
    reorderArgs.position(0);
  }

  /**
   * Points the plain memory at {@code buffer} (a direct float buffer, or a byte buffer holding
   * bfloat16 values: JavaCPP passes its address, no copy).
   */
  void bind(Buffer buffer) {
    Pointer address = buffer instanceof FloatBuffer f ? new FloatPointer(f) : new BytePointer((ByteBuffer) buffer);
    check(dnnl.dnnl_memory_set_data_handle(plain, address), "memory_set_data_handle");
  }

  /** Before the primitive: an input in another layout is reordered into it. */
  void before(dnnl_stream stream) {
    if (reorder != null && !output) check(dnnl.dnnl_primitive_execute(reorder, stream, 2, reorderArgs), "reorder");
  }

  /** After the primitive: an output in another layout is reordered back into the caller's buffer. */
  void after(dnnl_stream stream) {
    if (reorder != null && output) check(dnnl.dnnl_primitive_execute(reorder, stream, 2, reorderArgs), "reorder");
  }

  /** Whether the primitive works on its own layout of this argument (a reorder runs each call). */
  boolean reorders() {
    return reorder != null;
  }

  @Override
  public void close() {
    if (reorder != null) {
      dnnl.dnnl_primitive_destroy(reorder);
      dnnl.dnnl_memory_destroy(used);
      own.close();
      reorderArgs.close();
    }
    dnnl.dnnl_memory_destroy(plain);
  }
}
