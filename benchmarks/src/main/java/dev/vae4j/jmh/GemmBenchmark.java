package dev.vae4j.jmh;

import dev.vae4j.backend.Tensor;
import dev.vae4j.model.ParameterLayout;
import dev.vae4j.model.StepGemms;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.layer.GemmShape;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * Every GEMM of one training step of the default 784-400-20 model, one shape per {@code role}
 * (forward, weight gradient, input gradient of each layer), at {@code batch} rows; reported as
 * GFLOP/s. Operands are random and resident: on the CPU this is the GEMM library's own speed
 * (oneDNN, or OpenBLAS with {@code -Dvae4j.gemm=openblas}) on all cores, without the
 * heap-to-mirror copy a step pays when an operand changed (see docs/benchmarks.md).
 *
 * <p>Role {@value #SQUARE} is no GEMM of the step but the yardstick for them: a 1024 x 1024 x 1024
 * product, which runs near the cores' arithmetic peak, so the step's shapes can be read as a
 * fraction of what the machine can do at all.
 */
public class GemmBenchmark extends OnBackend {
  @Param({"cpu", "cuda"})
  public String backend;

  @Override
  protected String backendName() {
    return backend;
  }

  @Param({"enc1 forward", "heads forward", "dec1 forward", "dec.out forward",
      "dec.out weight grad", "dec.out input grad", "dec1 weight grad", "dec1 input grad",
      "heads weight grad", "heads input grad", "enc1 weight grad", GemmBenchmark.SQUARE})
  public String role;

  static final String SQUARE = "square 1024";

  @Param({"128"})
  public int batch;

  private GemmShape shape;
  private Tensor a;
  private Tensor b;
  private Tensor c;

  @Override
  protected void prepare() {
    List<GemmShape> all = StepGemms.trainingStep(new ParameterLayout(VaeConfig.mnistDefault()), batch);
    shape = role.equals(SQUARE) ? new GemmShape(SQUARE, 1024, 1024, 1024, false, false)
        : all.stream().filter(g -> g.role().equals(role)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no GEMM role '" + role + "' in " + all));
    a = random((long) shape.m() * shape.k(), -1, 1);
    b = random((long) shape.k() * shape.n(), -1, 1);
    c = random((long) shape.m() * shape.n(), -1, 1);
  }

  @Override
  protected void cleanup() {
    device.release(a);
    device.release(b);
    device.release(c);
  }

  @Benchmark
  public void gemm(Counters.Gflop counter) {
    int reps = repeats();
    for (int i = 0; i < reps; i++) {
      device.gemm(shape.transA(), shape.transB(), shape.m(), shape.n(), shape.k(), 1f, a, b, 0f, c);
    }
    finish();
    counter.gflop += reps * shape.flops() / 1e9;
  }
}
