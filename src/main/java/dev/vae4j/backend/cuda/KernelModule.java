package dev.vae4j.backend.cuda;

import java.util.EnumMap;
import java.util.Map;

/**
 * The kernels of {@code native/}, loaded once from the fatbin with the driver API, and their
 * reusable parameter blocks. The driver picks the SASS matching the GPU or JIT-compiles the PTX.
 */
final class KernelModule implements AutoCloseable {
  private final CudaContext context;
  private final CudaApi api;
  private final long module;
  private final Map<Kernel, Long> functions = new EnumMap<>(Kernel.class);
  private final Map<Kernel, KernelArgs> args = new EnumMap<>(Kernel.class);

  KernelModule(CudaContext context, KernelImage image) {
    this.context = context;
    this.api = context.api;
    long[] out = new long[1];
    Status.driver(api.cuModuleLoadData(out, image.fatbin()), "cuModuleLoadData (vae4j kernels)");
    this.module = out[0];
    for (Kernel k : Kernel.values()) {
      if (!k.onDemand) functions.put(k, function(k));
      args.put(k, new KernelArgs(k.arity));
    }
  }

  private long function(Kernel k) {
    long[] out = new long[1];
    Status.driver(api.cuModuleGetFunction(out, module, k.symbol), "cuModuleGetFunction(" + k.symbol + ")");
    return out[0];
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
        api.cuLaunchKernel(functions.computeIfAbsent(kernel, this::function), config.gridX(), 1, 1, config.blockX(), config.blockY(), 1, 0,
            context.stream, args.get(kernel)),
        "cuLaunchKernel(" + kernel.symbol + ") for " + op);
    context.afterOp(op);
  }

  @Override
  public void close() {
    args.values().forEach(KernelArgs::close);
    context.makeCurrent();
    Status.driver(api.cuModuleUnload(module), "cuModuleUnload");
  }
}
