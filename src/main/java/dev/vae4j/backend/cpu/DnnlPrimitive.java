package dev.vae4j.backend.cpu;

import static dev.vae4j.backend.cpu.Dnnl.check;

import java.nio.Buffer;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A oneDNN primitive made once from its descriptor, with its operands ({@link DnnlOperand}: the
 * reorders its preferred layouts need) and its own scratchpad (user-managed, so that one primitive
 * never shares scratch memory with another that runs at the same time on another batch part), and
 * the argument list of every call built in advance: {@link #run} binds the callers' buffers,
 * reorders inputs, executes, reorders outputs, and allocates nothing.
 */
final class DnnlPrimitive implements AutoCloseable {
  /** One argument: its {@code DNNL_ARG_*}, whether it is written, and its plain layout. */
  record Arg(int arg, boolean output, dnnl_memory_desc plain) {}

  private final String what;
  private final dnnl_stream stream;
  private final dnnl_primitive primitive;
  private final DnnlOperand[] operands;
  private final dnnl_memory scratchpad;
  private final FloatPointer scratchpadBuffer;
  private final dnnl_exec_arg_t execArgs;
  private final int argCount;

  /** Takes ownership of {@code pd}'s primitive (the descriptor itself stays the caller's). */
  DnnlPrimitive(String what, dnnl_engine engine, dnnl_stream stream, dnnl_primitive_desc pd, Arg... args) {
    this.what = what;
    this.stream = stream;
    primitive = new dnnl_primitive();
    check(dnnl.dnnl_primitive_create(primitive, pd), "primitive_create (" + what + ")");
    operands = new DnnlOperand[args.length];
    for (int i = 0; i < args.length; i++) {
      operands[i] = new DnnlOperand(engine, args[i].arg(), args[i].output(), args[i].plain(),
          dnnl.dnnl_primitive_desc_query_md(pd, dnnl.dnnl_query_exec_arg_md, args[i].arg()));
    }
    dnnl_memory_desc scratch = dnnl.dnnl_primitive_desc_query_md(pd, dnnl.dnnl_query_exec_arg_md, dnnl.DNNL_ARG_SCRATCHPAD);
    long scratchBytes = scratch == null || scratch.isNull() ? 0 : dnnl.dnnl_memory_desc_get_size(scratch);
    if (scratchBytes > 0) {
      scratchpadBuffer = Dnnl.alignedFloats(scratchBytes);
      scratchpad = new dnnl_memory();
      check(dnnl.dnnl_memory_create(scratchpad, scratch, engine, scratchpadBuffer), "memory_create (scratchpad)");
    } else {
      scratchpadBuffer = null;
      scratchpad = null;
    }
    argCount = args.length + (scratchpad == null ? 0 : 1);
    execArgs = new dnnl_exec_arg_t(argCount);
    for (int i = 0; i < args.length; i++) execArgs.position(i).arg(operands[i].arg).memory(operands[i].used);
    if (scratchpad != null) execArgs.position(args.length).arg(dnnl.DNNL_ARG_SCRATCHPAD).memory(scratchpad);
    execArgs.position(0);
  }

  /** Runs the primitive on {@code buffers}, one per argument in the constructor's order. */
  void run(Buffer... buffers) {
    for (int i = 0; i < operands.length; i++) operands[i].bind(buffers[i]);
    for (DnnlOperand o : operands) o.before(stream);
    check(dnnl.dnnl_primitive_execute(primitive, stream, argCount, execArgs), "primitive_execute (" + what + ")");
    for (DnnlOperand o : operands) o.after(stream);
    check(dnnl.dnnl_stream_wait(stream), "stream_wait");
  }

  /** How many of the arguments run through a reorder each call (0 where oneDNN takes the plain layouts). */
  int reorders() {
    int n = 0;
    for (DnnlOperand o : operands) if (o.reorders()) n++;
    return n;
  }

  @Override
  public void close() {
    for (DnnlOperand o : operands) o.close();
    if (scratchpad != null) {
      dnnl.dnnl_memory_destroy(scratchpad);
      scratchpadBuffer.close();
    }
    execArgs.close();
    dnnl.dnnl_primitive_destroy(primitive);
  }
}
