package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.ConvShape;
import dev.vae4j.backend.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * {@link CudaConv}'s host logic on the recording fake, with no GPU and no cuDNN: when cuDNN is
 * loaded and planned, the algorithm cache and workspace sizing, the descriptors' lifecycle, which
 * cuDNN calls each op makes (fused or not, a transposed shape's adjoint calls with the roles of
 * its tensors), failures, and convolutions inside a recorded step.
 */
class CudaConvTest {
  private static final ConvShape CONV = ConvShape.conv(8, 3, 16, 12, 4, 4, 2, 1);
  private static final ConvShape DECONV = ConvShape.transposed(8, 4, 8, 6, 3, 4, 2, 1);

  /** Runs {@code body} on a backend over {@code cuda}, closing it afterwards. */
  private static void withBackend(RecordingCuda cuda, Consumer<CudaBackend> body) {
    KernelImage image = KernelImage.load();
    if (image == null) image = new KernelImage(new byte[0], Map.of());
    try {
      CudaBackend backend = new CudaBackend(CudaOptions.defaults(), CudaProbe.probe(cuda, image), cuda, image);
      try {
        body.accept(backend);
      } finally {
        backend.close();
      }
    } finally {
      cuda.releaseHostMemory();
    }
  }

  /** The transcript lines after the last {@code # mark} line. */
  private static List<String> after(RecordingCuda cuda, String mark) {
    List<String> lines = Arrays.asList(cuda.transcript().split("\n"));
    int from = lines.lastIndexOf("# " + mark);
    assertTrue(from >= 0, "no mark " + mark);
    return lines.subList(from + 1, lines.size());
  }

  private static long calls(List<String> lines, String call) {
    return lines.stream().filter(l -> l.strip().startsWith(call + " ")).count();
  }

  private record Operands(Tensor x, Tensor w, Tensor bias, Tensor y) {
    static Operands of(Backend b, ConvShape s) {
      return new Operands(b.allocate(s.batch() * s.inputSize()), b.allocate(s.weightSize()), b.allocate(s.outChannels()),
          b.allocate(s.batch() * s.outputSize()));
    }
  }

  @Test
  void aDenseBackendNeverLoadsCudnn() {
    RecordingCuda cuda = new RecordingCuda();
    cuda.withoutCudnn("cuDNN 9 library libcudnn.so.9 not found");
    withBackend(cuda, backend -> {
      Tensor a = backend.allocate(4);
      backend.gemm(false, false, 2, 2, 1, 1f, a, a, 0f, a);
    });
    assertFalse(cuda.transcript().contains("cudnn"), cuda.transcript());
  }

  @Test
  void eachShapeIsPlannedOnceAndTheWorkspaceFitsTheLargestAlgorithm() {
    RecordingCuda cuda = new RecordingCuda();
    withBackend(cuda, backend -> {
      backend.prepareConv(CONV);
      backend.prepareConv(CONV);
      Operands o = Operands.of(backend, CONV);
      backend.convForward(CONV, o.x, o.w, o.bias, o.y, Activation.RELU);
      assertEquals(1, cuda.count("cudnnCreate"));
      assertEquals(1, cuda.count("cudnnGetConvolutionForwardAlgorithm_v7"));
      assertEquals(1, cuda.count("cudnnGetConvolutionBackwardDataAlgorithm_v7"));
      assertEquals(1, cuda.count("cudnnGetConvolutionBackwardFilterAlgorithm_v7"));
      CudaConv conv = conv(backend);
      assertEquals(1, conv.preparedShapes());
      assertEquals(3L << 20, conv.workspace().bytes(), "the largest of the fake's 1, 2 and 3 MiB");
      assertEquals("9.25.0", conv.cudnnVersion());

      cuda.cudnnWorkspace(5L << 20, 1, (5L << 20) + 1);
      backend.prepareConv(DECONV);
      assertEquals(2, conv.preparedShapes());
      assertEquals(6L << 20, conv.workspace().bytes(), "grown to whole MiB");
      assertEquals(1, conv.workspace().retiredCount(), "the smaller one is kept for graphs that use it");
      assertEquals(1, cuda.count("cudnnCreate"), "one handle for every shape");
      assertTrue(cuda.transcript().contains("cudnnSetStream cudnn1 stream1"));
    });
  }

  @Test
  void closeDestroysEveryDescriptorAndTheHandle() {
    RecordingCuda cuda = new RecordingCuda();
    withBackend(cuda, backend -> {
      backend.prepareConv(CONV);
      backend.prepareConv(DECONV);
      backend.prepareConv(CONV.withBatch(3));
    });
    for (String kind : new String[] {"Tensor", "Filter", "Convolution", "Activation"}) {
      long made = cuda.count("cudnnCreate" + kind + "Descriptor");
      assertTrue(made > 0, kind);
      assertEquals(made, cuda.count("cudnnDestroy" + kind + "Descriptor"), kind + " descriptors made and destroyed");
    }
    assertEquals(9, cuda.count("cudnnCreateTensorDescriptor"), "input, output and bias for each of 3 shapes");
    assertEquals(1, cuda.count("cudnnDestroy"));
  }

  @Test
  void aConvolutionFusesBiasAndReluAndATransposedOneRunsItsAdjoint() {
    RecordingCuda cuda = new RecordingCuda();
    withBackend(cuda, backend -> {
      backend.prepareConv(CONV);
      backend.prepareConv(DECONV);
      Operands c = Operands.of(backend, CONV), d = Operands.of(backend, DECONV);
      cuda.mark("conv relu");
      backend.convForward(CONV, c.x, c.w, c.bias, c.y, Activation.RELU);
      List<String> lines = after(cuda, "conv relu");
      assertEquals(1, calls(lines, "cudnnConvolutionBiasActivationForward"), String.join("\n", lines));
      assertEquals(1, lines.size(), String.join("\n", lines));

      cuda.mark("conv identity");
      backend.convForward(CONV, c.x, c.w, c.bias, c.y, Activation.IDENTITY);
      lines = after(cuda, "conv identity");
      assertEquals(List.of(1L, 1L, 0L), List.of(calls(lines, "cudnnConvolutionForward"),
          calls(lines, "cudnnAddTensor"), calls(lines, "cudnnActivationForward")), String.join("\n", lines));

      cuda.mark("deconv relu");
      backend.convForward(DECONV, d.x, d.w, d.bias, d.y, Activation.RELU);
      lines = after(cuda, "deconv relu");
      assertEquals(3, lines.size(), String.join("\n", lines));
      assertTrue(lines.get(0).startsWith("cudnnConvolutionBackwardData ") && lines.get(0).contains("dy=")
          && lines.get(0).contains("/" + cuda.name(address(d.x)) + " ") && lines.get(0).endsWith("/" + cuda.name(address(d.y))),
          "a transposed forward is the adjoint's backward-data pass from x into y: " + lines.get(0));
      assertTrue(lines.get(1).startsWith("cudnnAddTensor ") && lines.get(2).startsWith("cudnnActivationForward "));

      cuda.mark("deconv backward");
      backend.convBackwardData(DECONV, d.y, d.w, d.x);
      backend.convBackwardWeights(DECONV, d.x, d.y, d.w, d.bias);
      lines = after(cuda, "deconv backward");
      assertEquals(3, lines.size(), String.join("\n", lines));
      assertTrue(lines.get(0).startsWith("cudnnConvolutionForward ") && lines.get(0).contains(" x=")
          && lines.get(0).contains("/" + cuda.name(address(d.y)) + " "), lines.get(0));
      assertTrue(lines.get(1).startsWith("cudnnConvolutionBackwardFilter ")
          && lines.get(1).contains("/" + cuda.name(address(d.y)) + " dy=")
          && lines.get(1).contains("/" + cuda.name(address(d.x)) + " conv"),
          "the adjoint's input is the transposed convolution's output gradient: " + lines.get(1));
      assertTrue(lines.get(2).startsWith("cudnnConvolutionBackwardBias ") && lines.get(2).contains(cuda.name(address(d.y))));
      for (String line : lines) assertTrue(line.contains("beta=0.0") || line.contains("alpha2=0.0"), "overwrites: " + line);
    });
  }

  @Test
  void aFusedForwardThatCudnnRefusesFallsBackToSeparateCalls() {
    RecordingCuda cuda = new RecordingCuda();
    cuda.failCudnn("cudnnConvolutionBiasActivationForward", 3000); // CUDNN_STATUS_NOT_SUPPORTED
    withBackend(cuda, backend -> {
      backend.prepareConv(CONV);
      Operands c = Operands.of(backend, CONV);
      cuda.mark("forward");
      backend.convForward(CONV, c.x, c.w, c.bias, c.y, Activation.RELU);
      List<String> lines = after(cuda, "forward");
      assertEquals(List.of(1L, 1L, 1L, 0L), List.of(calls(lines, "cudnnConvolutionForward"), calls(lines, "cudnnAddTensor"),
          calls(lines, "cudnnActivationForward"), calls(lines, "cudnnConvolutionBiasActivationForward")));
    });
  }

  @Test
  void aFailingCudnnCallNamesItselfAndTheShapeAndLeavesNoDescriptors() {
    RecordingCuda cuda = new RecordingCuda();
    cuda.failCudnn("cudnnGetConvolutionBackwardFilterAlgorithm_v7", 9); // CUDNN_STATUS_EXECUTION_FAILED-like
    withBackend(cuda, backend -> {
      CudaException e = assertThrows(CudaException.class, () -> backend.prepareConv(CONV));
      assertTrue(e.getMessage().startsWith("cudnnGetConvolutionBackwardFilterAlgorithm_v7 for " + CONV.describe()
          + " failed: "), e.getMessage());
      assertTrue(e.getMessage().contains("9"), e.getMessage());
      assertEquals(0, conv(backend).preparedShapes());
    });
    assertEquals(cuda.count("cudnnCreateTensorDescriptor"), cuda.count("cudnnDestroyTensorDescriptor"));
    assertEquals(cuda.count("cudnnCreateConvolutionDescriptor"), cuda.count("cudnnDestroyConvolutionDescriptor"));
    assertEquals(cuda.count("cudnnCreateFilterDescriptor"), cuda.count("cudnnDestroyFilterDescriptor"));
  }

  @Test
  void withoutCudnnAConvolutionSaysWhichLibraryIsMissingAndDenseOpsGoOn() {
    RecordingCuda cuda = new RecordingCuda();
    cuda.withoutCudnn("cuDNN 9 library libcudnn_cnn.so.9 not found: install cuDNN 9 for CUDA 13");
    withBackend(cuda, backend -> {
      CudaException e = assertThrows(CudaException.class, () -> backend.prepareConv(CONV));
      assertEquals("convolutions on the CUDA backend need cuDNN: cuDNN 9 library libcudnn_cnn.so.9 not found: install"
          + " cuDNN 9 for CUDA 13", e.getMessage());
      Tensor a = backend.allocate(4);
      backend.gemm(false, false, 2, 2, 1, 1f, a, a, 0f, a);
    });
  }

  @Test
  void sigmoidIsNoConvolutionActivation() {
    withBackend(new RecordingCuda(), backend -> {
      Operands c = Operands.of(backend, CONV);
      assertThrows(IllegalArgumentException.class,
          () -> backend.convForward(CONV, c.x, c.w, c.bias, c.y, Activation.SIGMOID));
    });
  }

  @Test
  void anUnpreparedShapeIsPreparedOutsideAStepAndRefusedInsideOne() {
    RecordingCuda cuda = new RecordingCuda();
    withBackend(cuda, backend -> {
      Operands c = Operands.of(backend, CONV);
      backend.convForward(CONV, c.x, c.w, null, c.y, Activation.IDENTITY);
      assertEquals(1, conv(backend).preparedShapes());
      ConvShape partial = CONV.withBatch(5);
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> backend.recordStep(k -> backend.convForward(partial, slice(backend, c.x, partial.batch() * partial.inputSize()),
              c.w, null, slice(backend, c.y, partial.batch() * partial.outputSize()), Activation.RELU)));
      assertTrue(e.getMessage().contains(partial.describe()) && e.getMessage().contains("prepareConv"), e.getMessage());
      assertThrows(IllegalStateException.class, () -> backend.recordStep(k -> backend.prepareConv(DECONV)));
    });
  }

  @Test
  void aStepWithPreparedConvolutionsIsCapturedAsIsAndReplayed() {
    RecordingCuda cuda = new RecordingCuda();
    withBackend(cuda, backend -> {
      backend.prepareConv(CONV);
      Operands c = Operands.of(backend, CONV);
      Tensor dw = backend.allocate(CONV.weightSize()), db = backend.allocate(CONV.outChannels());
      Tensor dx = backend.allocate(CONV.batch() * CONV.inputSize());
      cuda.mark("record");
      try (Backend.RecordedStep step = backend.recordStep(k -> {
        backend.convForward(CONV, c.x, c.w, c.bias, c.y, Activation.RELU);
        backend.convBackwardWeights(CONV, c.x, c.y, dw, db);
        backend.convBackwardData(CONV, c.y, c.w, dx);
      })) {
        step.replay();
      }
      List<String> lines = after(cuda, "record");
      List<String> captured = lines.stream().filter(l -> l.startsWith("  ")).toList();
      assertEquals(4, captured.stream().filter(l -> l.contains("cudnnConvolution")).count(), String.join("\n", lines));
      for (String line : lines) {
        assertFalse(line.contains("Create") || line.contains("Algorithm_v7") || line.contains("cudaStreamSynchronize"),
            "no planning or waiting while recording: " + line);
      }
      assertEquals(1, calls(lines, "cudaGraphLaunch"));
    });
  }

  private static Tensor slice(Backend backend, Tensor t, long length) {
    return backend.slice(t, 0, length);
  }

  private static long address(Tensor t) {
    return ((CudaTensor) t).address;
  }

  private static CudaConv conv(CudaBackend backend) {
    return backend.convOps();
  }
}
