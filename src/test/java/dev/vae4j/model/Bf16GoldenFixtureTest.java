package dev.vae4j.model;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Precision;
import dev.vae4j.backend.cpu.CpuBackend;

/**
 * {@link GoldenFixtureTest}'s three PyTorch float64 steps with the CPU backend's GEMMs in bfloat16
 * ({@code --precision bf16}): the master weights, Adam and the loss stay float32, so only the
 * GEMMs' inputs are rounded, each by at most 2^-9 relative (8 significant bits). A GEMM's output
 * then errs by about 2^-9 times the root-mean-square of its terms, a relative 2e-3 of a
 * well-conditioned output, which the layers of a step compound into its gradients. The bars are
 * those of 8-bit arithmetic, not float32's, set above the largest errors measured over the fixture
 * ({@code -Dvae4j.golden.report=true} prints them; the worst of the three steps in brackets):
 * 1e-2 on mu and logvar (absolute) and on z and the logits (relative; [3.7e-3]); 1e-4 relative on
 * each row's reconstruction term and on the loss (sums over 784 pixels, whose errors average out;
 * [4.3e-5]); 3e-2 relative on each row's KL term (small at the start, 0.036 nats, so mu's errors
 * weigh; [9e-3]); 7e-2 relative on each gradient tensor ([2.3e-2], dec.fc.weight's in the first
 * step); and 6e-3 absolute on the parameters after the three Adam steps ([3.6e-3]). That last is
 * Adam's own bound, not a bf16 one: its first steps move each weight by about lr = 1e-3 times the
 * gradient's sign, so a gradient near 0 whose sign the rounding flips moves a weight 2 lr the other
 * way per step, and where the signs agree the weights match to float32 (the biases of the heads:
 * [3e-6]).
 */
class Bf16GoldenFixtureTest extends GoldenFixtureTest {
  @Override
  protected Backend createBackend() {
    assumeTrue(CpuBackend.unsupportedReason(Precision.BF16) == null, "no native BF16 on this CPU");
    return new CpuBackend(Precision.BF16);
  }

  @Override
  protected Tolerances tolerances() {
    return new Tolerances(1e-2, 1e-4, 3e-2, 7e-2, 6e-3);
  }
}
