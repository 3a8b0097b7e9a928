package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.ActivationFunction;
import dev.vae4j.backend.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How the CUDA backend runs {@code --activation}'s ELU, tanh and leaky ReLU dense layers, on {@link
 * RecordingCuda} with no GPU: cuBLASLt has no epilogue for them, so the forward is a GEMM then
 * {@code vae4j_bias_activation} with the activation's code (its ordinal); the backward keeps the
 * fused bias gradient (BGRADB) after {@code vae4j_activation_backward} with a null bias gradient,
 * where ReLU takes {@code vae4j_relu_mask}. Both kernels take the leaky slope as their last argument
 * (0.25 here: {@code f:0000803e}).
 */
class CudaActivationTest {
  private static final int ROWS = 16, IN = 24, OUT = 8;

  private static List<String> after(RecordingCuda cuda, String mark) {
    List<String> lines = Arrays.asList(cuda.transcript().split("\n"));
    int from = lines.lastIndexOf("# " + mark);
    assertTrue(from >= 0, "no mark " + mark);
    return lines.subList(from + 1, lines.size()).stream().map(String::strip)
        .filter(l -> l.startsWith("cuLaunchKernel") || l.startsWith("cublasSgemm") || l.startsWith("cublasLtMatmul ")
            || l.contains("EPILOGUE"))
        .toList();
  }

  /** The kernels' last two arguments: the activation's code (its ordinal) and its slope's float bits. */
  private static String code(ActivationFunction act) {
    int bits = Float.floatToRawIntBits(act.slope());
    StringBuilder slope = new StringBuilder();
    for (int i = 0; i < 4; i++) slope.append(String.format("%02x", (bits >>> (8 * i)) & 0xFF));
    return String.format("i:%02x000000 f:%s", act.kind().ordinal(), slope);
  }

  private static void layer(RecordingCuda cuda, ActivationFunction act) {
    KernelImage image = KernelImage.load();
    if (image == null) image = new KernelImage(new byte[0], Map.of());
    try {
      CudaBackend b = new CudaBackend(CudaOptions.defaults(), CudaProbe.probe(cuda, image), cuda, image);
      try {
        Tensor x = b.allocate(ROWS * IN), w = b.allocate(OUT * IN), bias = b.allocate(OUT), y = b.allocate(ROWS * OUT);
        Tensor dy = b.allocate(ROWS * OUT), dw = b.allocate(OUT * IN), db = b.allocate(OUT), dx = b.allocate(ROWS * IN);
        cuda.mark("forward");
        b.linearForward(x, w, bias, y, ROWS, IN, OUT, act);
        cuda.mark("backward");
        b.linearBackward(x, w, y, dy, dw, db, dx, ROWS, IN, OUT, act);
        cuda.mark("backward without a bias gradient");
        b.activationBackward(dy, y, null, ROWS, OUT, act);
        cuda.mark("end");
      } finally {
        b.close();
      }
    } finally {
      cuda.releaseHostMemory();
    }
  }

  private static List<String> between(RecordingCuda cuda, String from, String to) {
    List<String> a = after(cuda, from), b = after(cuda, to);
    return a.subList(0, a.size() - b.size()).stream().filter(l -> !l.isEmpty()).toList();
  }

  @Test
  void eluAndTanhRunTheGemmAndTheBiasActivationKernel() {
    for (ActivationFunction act : new ActivationFunction[] {ActivationFunction.of(Activation.ELU),
        ActivationFunction.of(Activation.TANH), ActivationFunction.of(Activation.LEAKY_RELU),
        ActivationFunction.leakyRelu(0.25f), ActivationFunction.of(Activation.GELU)}) {
      RecordingCuda cuda = new RecordingCuda();
      layer(cuda, act);
      List<String> forward = between(cuda, "forward", "backward");
      assertEquals(2, forward.size(), act + ": " + forward);
      assertTrue(forward.get(0).startsWith("cublasSgemm"), forward.get(0));
      assertTrue(forward.get(1).startsWith("cuLaunchKernel vae4j_bias_activation ") && forward.get(1).endsWith(code(act)),
          forward.get(1));

      List<String> backward = between(cuda, "backward", "backward without a bias gradient");
      List<String> launches = backward.stream().filter(l -> l.startsWith("cuLaunchKernel")).toList();
      assertEquals(1, launches.size(), act + ": " + backward);
      assertTrue(launches.get(0).startsWith("cuLaunchKernel vae4j_activation_backward ")
          && launches.get(0).endsWith(" pnull i:10000000 i:08000000 " + code(act)), act + ": " + backward);
      int kernel = backward.indexOf(launches.get(0));
      assertTrue(backward.get(kernel + 1).startsWith("cublasLtMatmul "), "then the BGRADB GEMM: " + backward);
      assertTrue(backward.stream().anyMatch(l -> l.contains("EPILOGUE=BGRADB")), act + ": " + backward);
      assertEquals(1, backward.stream().filter(l -> l.startsWith("cublasLtMatmul ")).count(), act + ": " + backward);

      List<String> plain = between(cuda, "backward without a bias gradient", "end");
      assertEquals(1, plain.size(), act + ": " + plain);
      assertTrue(plain.get(0).startsWith("cuLaunchKernel vae4j_activation_backward ") && plain.get(0).endsWith(code(act)),
          plain.get(0));
    }
  }

  /**
   * A layer that keeps its pre-activation (GELU, training) never takes a cuBLASLt epilogue, whose
   * GELU is the tanh approximation and which would not write the pre-activation: the GEMM, then
   * {@code vae4j_bias_activation} with the pre-activation's pointer (a null one otherwise).
   */
  @Test
  void aKeptPreActivationTakesTheKernelWithItsPointer() {
    for (ActivationFunction act : new ActivationFunction[] {ActivationFunction.of(Activation.GELU), ActivationFunction.RELU}) {
      RecordingCuda cuda = new RecordingCuda();
      KernelImage image = KernelImage.load();
      if (image == null) image = new KernelImage(new byte[0], Map.of());
      try {
        CudaBackend b = new CudaBackend(CudaOptions.defaults(), CudaProbe.probe(cuda, image), cuda, image);
        try {
          Tensor x = b.allocate(ROWS * IN), w = b.allocate(OUT * IN), bias = b.allocate(OUT);
          Tensor y = b.allocate(ROWS * OUT), pre = b.allocate(ROWS * OUT);
          cuda.mark("forward");
          b.linearForward(x, w, bias, y, pre, ROWS, IN, OUT, act);
          cuda.mark("end");
        } finally {
          b.close();
        }
      } finally {
        cuda.releaseHostMemory();
      }
      List<String> forward = between(cuda, "forward", "end");
      assertEquals(2, forward.size(), act + ": " + forward);
      assertTrue(forward.get(0).startsWith("cublasSgemm"), forward.get(0));
      String launch = forward.get(1);
      assertTrue(launch.startsWith("cuLaunchKernel vae4j_bias_activation ") && launch.endsWith(code(act)), launch);
      String[] args = launch.substring(launch.indexOf(" args ") + 6).split(" ");
      assertTrue(args[2].startsWith("p@") && !args[2].equals(args[0]), "the pre-activation's pointer: " + launch);
    }
  }

  /**
   * A whole recorded training step of a GELU MLP (784-64-32-3, Bernoulli) on the fake: each hidden
   * layer's forward is the GEMM then {@code vae4j_bias_activation} with GELU's code and a
   * pre-activation pointer, and its backward {@code vae4j_activation_backward} with GELU's code;
   * no hidden layer takes the RELU_BIAS epilogue.
   */
  @Test
  void aGeluStepKeepsAndReadsThePreActivations() {
    RecordingCuda cuda = new RecordingCuda();
    KernelImage image = KernelImage.load();
    if (image == null) image = new KernelImage(new byte[0], Map.of());
    try {
      CudaBackend b = new CudaBackend(CudaOptions.defaults(), CudaProbe.probe(cuda, image), cuda, image);
      try {
        dev.vae4j.Vae vae = dev.vae4j.Vae.create(dev.vae4j.model.VaeConfig.mlp(dev.vae4j.model.layer.Shape.flat(784),
            new int[] {64, 32}, 3, dev.vae4j.backend.Likelihood.BERNOULLI, ActivationFunction.of(Activation.GELU)), b, 1);
        byte[] pixels = new byte[64 * 784];
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) random.nextInt(256);
        dev.vae4j.data.Dataset data = dev.vae4j.data.Dataset.ofBytes("gelu", pixels, null, 64, 28, 28);
        cuda.mark("step");
        try (dev.vae4j.bench.Benchmark.TrainingSteps steps = new dev.vae4j.bench.Benchmark.TrainingSteps(vae, data, 64, 1)) {
          steps.timed(1);
        }
        cuda.mark("end");
      } finally {
        b.close();
      }
    } finally {
      cuda.releaseHostMemory();
    }
    List<String> step = between(cuda, "step", "end");
    String gelu = code(ActivationFunction.of(Activation.GELU));
    List<String> forward = step.stream().filter(l -> l.startsWith("cuLaunchKernel vae4j_bias_activation ")).toList();
    assertTrue(forward.size() >= 4, "four GELU layers' forwards: " + step);
    for (String l : forward) {
      assertTrue(l.endsWith(gelu), l);
      String[] args = l.substring(l.indexOf(" args ") + 6).split(" ");
      assertTrue(args[2].startsWith("p@"), "a pre-activation pointer: " + l);
    }
    List<String> backward = step.stream().filter(l -> l.startsWith("cuLaunchKernel vae4j_activation_backward ")).toList();
    assertTrue(backward.size() >= 4, "four GELU layers' backwards: " + step);
    for (String l : backward) assertTrue(l.endsWith(gelu), l);
    assertTrue(step.stream().noneMatch(l -> l.contains("EPILOGUE=RELU_BIAS")), step.toString());
  }

  @Test
  void reluKeepsItsEpilogueAndItsMask() {
    RecordingCuda cuda = new RecordingCuda();
    layer(cuda, ActivationFunction.RELU);
    List<String> forward = between(cuda, "forward", "backward");
    assertTrue(forward.stream().anyMatch(l -> l.contains("EPILOGUE=RELU_BIAS")), forward.toString());
    assertTrue(forward.stream().noneMatch(l -> l.contains("vae4j_bias_activation")), forward.toString());
    List<String> plain = between(cuda, "backward without a bias gradient", "end");
    assertTrue(plain.get(0).startsWith("cuLaunchKernel vae4j_relu_mask "), plain.toString());
  }
}
