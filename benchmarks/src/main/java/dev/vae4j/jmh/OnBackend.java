package dev.vae4j.jmh;

import dev.vae4j.Backends;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The backend a benchmark runs on (its {@code backend} parameter), made once per fork. Benchmarks end
 * every invocation with {@link #finish()}, so that asynchronous GPU work is inside the measured
 * time; on the GPU they repeat small ops {@link #repeats()} times per invocation so that the one
 * synchronization does not dominate, and count the work they did in their aux counters.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// JavaCPP's logging through SLF4J's no-op provider, as the CLI does: otherwise every fork prints
// that the pinned presets' versions differ (they do, by choice: pom.xml).
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms1g", "-Xmx3g",
    "-Dorg.bytedeco.javacpp.logger=slf4j"})
@Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
public abstract class OnBackend {
  protected Backend device;
  protected final SplittableRandom random = new SplittableRandom(20260101);

  /** {@code cpu} or {@code cuda}: each benchmark's {@code backend} parameter. */
  protected abstract String backendName();

  /** Allocates and fills the benchmark's operands on {@link #device}. */
  protected abstract void prepare() throws Exception;

  /** Frees what {@link #prepare} allocated; the backend closes afterwards anyway. */
  protected void cleanup() {}

  // One @Setup for the hierarchy: JMH does not order a superclass's fixtures before a subclass's.
  @Setup(Level.Trial)
  public void openBackend() throws Exception {
    device = Backends.select(backendName()).backend();
    prepare();
  }

  @TearDown(Level.Trial)
  public void closeBackend() {
    cleanup();
    device.close();
  }

  /** Ops per invocation: 1 on the CPU (synchronous), more on the GPU to amortize the final sync. */
  protected int repeats() {
    return backendName().equals("cuda") ? 20 : 1;
  }

  /** Waits for everything queued. */
  protected void finish() {
    device.synchronize();
  }

  /** A tensor of {@code length} uniform values in [lo, hi), never zeros. */
  protected Tensor random(long length, float lo, float hi) {
    float[] values = new float[Math.toIntExact(length)];
    for (int i = 0; i < values.length; i++) values[i] = lo + (hi - lo) * (float) random.nextDouble();
    Tensor t = device.allocate(length);
    device.upload(values, t);
    return t;
  }
}
