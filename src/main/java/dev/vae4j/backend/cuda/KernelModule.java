package dev.vae4j.backend.cuda;

import static org.bytedeco.cuda.global.cudart.cuLaunchKernel;
import static org.bytedeco.cuda.global.cudart.cuModuleGetFunction;
import static org.bytedeco.cuda.global.cudart.cuModuleLoadData;
import static org.bytedeco.cuda.global.cudart.cuModuleUnload;

import java.util.EnumMap;
import java.util.Map;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The kernels of {@code native/}, loaded once from the fatbin with the driver API, and their
 * reusable parameter blocks. The driver picks the SASS matching the GPU or JIT-compiles the PTX.
 */
final class KernelModule implements AutoCloseable {
  private final CudaContext context;
  private final CUmod_st module = new CUmod_st();
  private final Map<Kernel, CUfunc_st> functions = new EnumMap<>(Kernel.class);
  private final Map<Kernel, KernelArgs> args = new EnumMap<>(Kernel.class);

  KernelModule(CudaContext context, KernelImage image) {
    this.context = context;
    try (BytePointer fatbin = new BytePointer(image.fatbin())) {
      Status.driver(cuModuleLoadData(module, fatbin), "cuModuleLoadData (vae4j kernels)");
    }
    for (Kernel k : Kernel.values()) {
      CUfunc_st f = new CUfunc_st();
      Status.driver(cuModuleGetFunction(f, module, k.symbol), "cuModuleGetFunction(" + k.symbol + ")");
      functions.put(k, f);
      args.put(k, new KernelArgs(k.arity));
    }
  }

  /** The parameter block of {@code kernel}, emptied for a new launch. */
  KernelArgs args(Kernel kernel) {
    return args.get(kernel).begin();
  }

  /** The parameter block of {@code kernel} as last filled. */
  KernelArgs filled(Kernel kernel) {
    return args.get(kernel);
  }

  /** Queues {@code kernel} with its parameter block as last filled; {@code op} names it in errors. */
  void launch(Kernel kernel, LaunchConfig config, String op) {
    if (config.isEmpty()) return;
    context.makeCurrent();
    Status.driver(
        cuLaunchKernel(functions.get(kernel), config.gridX(), 1, 1, config.blockX(), config.blockY(), 1, 0,
            context.stream, args.get(kernel).kernelParams(), (PointerPointer<?>) null),
        "cuLaunchKernel(" + kernel.symbol + ") for " + op);
    context.afterOp(op);
  }

  @Override
  public void close() {
    args.values().forEach(KernelArgs::close);
    context.makeCurrent();
    Status.driver(cuModuleUnload(module), "cuModuleUnload");
  }
}
