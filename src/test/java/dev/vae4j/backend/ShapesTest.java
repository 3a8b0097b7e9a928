package dev.vae4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The shape records: right lengths pass, a wrong one names the op, the operand and both lengths. */
class ShapesTest {
  /** A tensor of {@code length} floats and nothing else. */
  private static Tensor of(long length) {
    return () -> length;
  }

  private static void fails(Class<? extends RuntimeException> type, String message, Executable check) {
    assertEquals(message, assertThrows(type, check).getMessage());
  }

  private static void fails(String message, Executable check) {
    fails(IllegalArgumentException.class, message, check);
  }

  @Test
  void gemm() {
    GemmDims dims = new GemmDims(3, 5, 7);
    dims.check(of(21), of(35), of(15));
    fails("gemm A: needs 21 floats, tensor has 20", () -> dims.check(of(20), of(35), of(15)));
    fails("gemm B: needs 35 floats, tensor has 34", () -> dims.check(of(21), of(34), of(15)));
    fails("gemm C: needs 15 floats, tensor has 14", () -> dims.check(of(21), of(35), of(14)));
  }

  @Test
  void stack() {
    Stack stack = new Stack(3);
    stack.require("stackedGemm", "B", of(2 * 10 + 7), 10, 7);
    stack.requireIfPresent("stackedGemm", "B", null, 10, 7);
    fails("stackedGemm B: needs 27 floats, tensor has 26", () -> stack.require("stackedGemm", "B", of(26), 10, 7));
    fails("stackedGemm B: stride 6 < its block of 7 floats", () -> stack.require("stackedGemm", "B", of(100), 6, 7));
    fails("a stack holds 1 to 64 models, got 0", () -> new Stack(0));
    fails("a stack holds 1 to 64 models, got 65", () -> new Stack(65));
    fails("a stack of 2 models needs 2 betas and Adam settings, got 1 and 2", () -> new StackModels(new long[2],
        new float[1], new AdamParams[] {AdamParams.pytorchDefaults(1e-3), AdamParams.pytorchDefaults(1e-3)}));
  }

  @Test
  void rows() {
    Rows shape = new Rows(4, 6);
    shape.checkBiasActivation(of(24), null, null);
    shape.checkActivationBackward(of(24), of(30), null);
    fails("biasActivation bias: needs 6 floats, tensor has 5", () -> shape.checkBiasActivation(of(24), of(5), null));
    fails("biasActivation pre: needs 24 floats, tensor has 23", () -> shape.checkBiasActivation(of(24), of(6), of(23)));
    fails("activationBackward output: needs 24 floats, tensor has 23",
        () -> shape.checkActivationBackward(of(24), of(23), of(6)));
    fails("activationBackward biasGrad: needs 6 floats, tensor has 2",
        () -> shape.checkActivationBackward(of(24), of(24), of(2)));
    fails("gatherRows dst: needs 24 floats, tensor has 12", () -> shape.checkGatherRows(of(12)));
    shape.checkScaleRows(of(24), of(4));
    fails("scaleRows values: needs 24 floats, tensor has 23", () -> shape.checkScaleRows(of(23), of(4)));
    fails("scaleRows rowScales: needs 4 floats, tensor has 3", () -> shape.checkScaleRows(of(24), of(3)));
    shape.checkIndexWindow(6, 10);
    fails(IndexOutOfBoundsException.class, "gatherRows [7, 11) of 10 indices", () -> shape.checkIndexWindow(7, 10));
  }

  @Test
  void layers() {
    LayerDims dims = new LayerDims(2, 3, 4);
    dims.checkLinearForward(of(6), of(12), null, of(8));
    dims.checkLinearBackward(of(6), of(12), of(8), of(8), of(12), null, null);
    fails("linearForward w: needs 12 floats, tensor has 11", () -> dims.checkLinearForward(of(6), of(11), of(4), of(8)));
    fails("linearForward bias: needs 4 floats, tensor has 3", () -> dims.checkLinearForward(of(6), of(12), of(3), of(8)));
    fails("linearBackward dx: needs 6 floats, tensor has 5",
        () -> dims.checkLinearBackward(of(6), of(12), of(8), of(8), of(12), of(4), of(5)));
  }

  @Test
  void latent() {
    LatentShape shape = new LatentShape(3, 2);
    shape.checkReparameterize(of(12), of(6), of(6));
    shape.checkKlDivergence(of(12), of(3), null);
    fails("reparameterize eps: needs 6 floats, tensor has 5", () -> shape.checkReparameterize(of(12), of(5), of(6)));
    fails("reparameterizeBackward dstats: needs 12 floats, tensor has 6",
        () -> shape.checkReparameterizeBackward(of(6), of(12), of(6), of(6)));
    fails("klDivergence klPerRow: needs 3 floats, tensor has 2", () -> shape.checkKlDivergence(of(12), of(2), of(12)));
  }

  @Test
  void losses() {
    LossShape shape = new LossShape(Likelihood.GAUSSIAN_LEARNED, 2, 5);
    shape.check(of(20), of(10), of(2), null);
    fails("reconstructionLoss logits: needs 20 floats, tensor has 10", () -> shape.check(of(10), of(10), of(2), null));
    fails("reconstructionLoss dlogits: needs 20 floats, tensor has 19", () -> shape.check(of(20), of(10), of(2), of(19)));
    new LossShape(Likelihood.BERNOULLI, 2, 5).check(of(10), of(10), of(2), of(10));
  }

  @Test
  void elements() {
    Elements n = new Elements(8);
    n.checkAdamUpdate(of(8), null, of(8), of(8), 1);
    fails("adamUpdate v: needs 8 floats, tensor has 7", () -> n.checkAdamUpdate(of(8), of(8), of(8), of(7), 1));
    fails("Adam step is 1-based, got 0", () -> n.checkAdamUpdate(of(8), null, of(8), of(8), 0));
    fails("addInto of 8 floats into 9", () -> n.checkInto("addInto", of(9)));
    fails("upload of 8 indices into 7", () -> n.checkIndices(() -> 7));
    n.checkAccumulateSum(of(8), of(3), 2);
    fails(IndexOutOfBoundsException.class, "accumulateSum slot 3 of 3", () -> n.checkAccumulateSum(of(8), of(3), 3));
    fails("accumulateSum values: needs 8 floats, tensor has 4", () -> n.checkAccumulateSum(of(4), of(3), 0));
  }

  @Test
  void spans() {
    new Span(2, 3).check("upload", "destination", 5);
    fails(IndexOutOfBoundsException.class, "upload destination: [2, 6) of 5 elements",
        () -> new Span(2, 4).check("upload", "destination", 5));
    fails(IndexOutOfBoundsException.class, "download source: [-1, 0) of 5 elements",
        () -> new Span(-1, 1).check("download", "source", 5));
  }
}
