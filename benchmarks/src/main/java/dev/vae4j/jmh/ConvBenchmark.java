package dev.vae4j.jmh;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.ConvShape;
import dev.vae4j.backend.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * Every convolution of one training step of the classic conv VAE ({@code --conv 32,64 --hidden 256
 * --latent 20} on 28x28 grey images) at {@code batch} images, one {@code layer} at a time: its
 * forward pass (bias and ReLU fused), backward-data and backward-weights (with the bias gradient)
 * passes, each reported as GFLOP/s (2 flops per multiply-add, {@link ConvShape#multiplyAdds}).
 * Operands are random and resident, so on the CPU this is oneDNN's own speed on all cores, without
 * the heap-to-mirror copies of a step.
 */
public class ConvBenchmark extends OnBackend {
  @Param({"cpu", "cuda"})
  public String backend;

  @Override
  protected String backendName() {
    return backend;
  }

  /** {@code enc.conv.0} 1x28x28 -> 32x14x14, {@code enc.conv.1} -> 64x7x7, and the decoder's mirror images. */
  @Param({"enc.conv.0", "enc.conv.1", "dec.deconv.0", "dec.deconv.1"})
  public String layer;

  @Param({"128"})
  public int batch;

  private ConvShape shape;
  private Tensor x, w, bias, y, dy, dx, dw, db;

  static ConvShape shapeOf(String layer, int batch) {
    switch (layer) {
      case "enc.conv.0":
        return ConvShape.conv(batch, 1, 28, 28, 32, 4, 2, 1);
      case "enc.conv.1":
        return ConvShape.conv(batch, 32, 14, 14, 64, 4, 2, 1);
      case "dec.deconv.0":
        return ConvShape.transposed(batch, 64, 7, 7, 32, 4, 2, 1);
      case "dec.deconv.1":
        return ConvShape.transposed(batch, 32, 14, 14, 1, 4, 2, 1);
      default:
        throw new IllegalArgumentException("no conv layer '" + layer + "'");
    }
  }

  @Override
  protected void prepare() {
    shape = shapeOf(layer, batch);
    x = random(batch * shape.inputSize(), -1, 1);
    w = random(shape.weightSize(), -0.1f, 0.1f);
    bias = random(shape.outChannels(), -0.1f, 0.1f);
    y = random(batch * shape.outputSize(), -1, 1);
    dy = random(batch * shape.outputSize(), -1, 1);
    dx = random(batch * shape.inputSize(), -1, 1);
    dw = random(shape.weightSize(), -1, 1);
    db = random(shape.outChannels(), -1, 1);
    device.prepareConv(shape);
  }

  private double gflop(int reps) {
    return reps * 2.0 * shape.multiplyAdds() / 1e9;
  }

  @Benchmark
  public void forward(Counters.Gflop counter) {
    int reps = repeats();
    for (int i = 0; i < reps; i++) device.convForward(shape, x, w, bias, y, Activation.RELU);
    finish();
    counter.gflop += gflop(reps);
  }

  @Benchmark
  public void backwardData(Counters.Gflop counter) {
    int reps = repeats();
    for (int i = 0; i < reps; i++) device.convBackwardData(shape, dy, w, dx);
    finish();
    counter.gflop += gflop(reps);
  }

  @Benchmark
  public void backwardWeights(Counters.Gflop counter) {
    int reps = repeats();
    for (int i = 0; i < reps; i++) device.convBackwardWeights(shape, x, dy, dw, db);
    finish();
    counter.gflop += gflop(reps);
  }
}
