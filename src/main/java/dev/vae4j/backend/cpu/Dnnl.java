package dev.vae4j.backend.cpu;

import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.FloatPointer;

/** What the oneDNN primitive classes share: status checks, the CPU engine, plain memory descriptors, aligned buffers. */
final class Dnnl {
  private Dnnl() {}

  /** Throws, naming the call, unless {@code status} is {@code dnnl_success}. */
  static void check(int status, String call) {
    if (status != dnnl.dnnl_success) throw new IllegalStateException("oneDNN " + call + " failed with status " + status);
  }

  /** The CPU engine, made once (engines are thread-safe); throws {@link LinkageError} when oneDNN's natives are missing. */
  static dnnl_engine engine() {
    return EngineHolder.ENGINE;
  }

  private static final class EngineHolder {
    static final dnnl_engine ENGINE = create();

    private static dnnl_engine create() {
      dnnl_engine engine = new dnnl_engine();
      check(dnnl.dnnl_engine_create(engine, dnnl.dnnl_cpu, 0), "engine_create");
      return engine;
    }
  }

  /** A float32 memory descriptor of {@code dims} in layout {@code tag} ({@code dnnl_format_tag_any} lets the primitive choose). */
  static dnnl_memory_desc desc(int tag, long... dims) {
    dnnl_memory_desc md = new dnnl_memory_desc();
    check(dnnl.dnnl_memory_desc_create_with_tag(md, dims.length, dims, dnnl.dnnl_f32, tag), "memory_desc_create");
    return md;
  }

  /** At least {@code bytes} of native memory, 64-byte aligned (one cache line, what oneDNN's kernels load best). */
  static FloatPointer alignedFloats(long bytes) {
    FloatPointer p = new FloatPointer(Math.max(1, (bytes + 3) / 4) + 16);
    long misalignment = p.address() % 64;
    return p.position(misalignment == 0 ? 0 : (64 - misalignment) / 4);
  }
}
