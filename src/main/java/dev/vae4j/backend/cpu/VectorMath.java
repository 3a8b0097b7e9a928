package dev.vae4j.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * exp and log1p on float vectors from additions, multiplications, one division and bit
 * operations only, so every result is the same bit pattern in interpreted and JIT-compiled code.
 * The Vector API's own {@code lanewise(EXP)} and {@code LOG1P} are not: compiled code calls
 * HotSpot's vector math library while the interpreter falls back to {@link Math} lane by lane, and
 * the two round differently, which would make training runs differ between processes (a resumed run
 * would not end on the uninterrupted run's weights). Java forbids fusing a multiply and an add, so
 * each operation rounds as written whatever the tier. On their domains exp is within 1 ulp of the
 * exact value and log1p within 2.5 (at most 0.97 and 1.97 seen over 16 million random arguments;
 * tested in {@code VectorMathTest}).
 */
final class VectorMath {
  // exp: x = n ln2 + r with |r| <= ln2 / 2, ln2 split in two so n * LN2_HI is exact (Cody and Waite).
  private static final float LOG2E = 1.44269504088896341f;
  private static final float LN2_HI = 0.693359375f;
  private static final float LN2_LO = -2.12194440e-4f;
  /** Adding then subtracting 1.5 * 2^23 rounds a float of magnitude below 2^22 to the nearest integer. */
  private static final float ROUNDER = 12582912f;
  /** Below this, exp(x) would be subnormal; clamping keeps 2^n a normal float (exp(-87.3) ~ 1.2e-38). */
  private static final float EXP_MIN = -87.3f;
  /** Above this, 2^n would overflow the float exponent. */
  private static final float EXP_MAX = 88.3f;
  // Minimax polynomial for (exp(r) - 1 - r) / r^2 on [-ln2/2, ln2/2] (Cephes expf).
  private static final float P0 = 1.9875691500e-4f;
  private static final float P1 = 1.3981999507e-3f;
  private static final float P2 = 8.3334519073e-3f;
  private static final float P3 = 4.1665795894e-2f;
  private static final float P4 = 1.6666665459e-1f;
  private static final float P5 = 5.0000001201e-1f;

  private VectorMath() {}

  /**
   * e^x per lane. Arguments below -87.3 give exp(-87.3) (about 1.2e-38) rather than a subnormal or
   * zero, and above 88.3 give exp(88.3) (about 2.2e38): both far beyond where a loss or a sigmoid can tell.
   */
  static FloatVector exp(FloatVector x) {
    FloatVector v = x.max(EXP_MIN).min(EXP_MAX);
    FloatVector shifted = v.mul(LOG2E).add(ROUNDER);
    FloatVector n = shifted.sub(ROUNDER);
    FloatVector r = v.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
    FloatVector p = r.mul(P0).add(P1).mul(r).add(P2).mul(r).add(P3).mul(r).add(P4).mul(r).add(P5);
    FloatVector er = p.mul(r.mul(r)).add(r).add(1f);
    // The integer n sits in the low mantissa bits of `shifted`; 2^n is (n + 127) << 23 as float bits.
    IntVector k = shifted.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUNDER));
    FloatVector twoToN = k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    return er.mul(twoToN);
  }

  /**
   * log(1 + y) per lane for y in [0, 1], as 2 atanh(s) with s = y / (2 + y) in [0, 1/3]: the odd
   * series 2s (1 + s^2/3 + s^4/5 + ...) keeps full relative precision for tiny y, where computing
   * 1 + y first would lose it, and eight terms bring the truncation below 1e-8 at s = 1/3.
   */
  static FloatVector log1pUnit(FloatVector y) {
    FloatVector s = y.div(y.add(2f));
    FloatVector s2 = s.mul(s);
    FloatVector tail = s2.mul(1f / 15).add(1f / 13).mul(s2).add(1f / 11).mul(s2).add(1f / 9).mul(s2)
        .add(1f / 7).mul(s2).add(1f / 5).mul(s2).add(1f / 3).mul(s2); // s^2/3 + s^4/5 + ...
    FloatVector twoS = s.add(s);
    return twoS.add(twoS.mul(tail)); // the small term added last keeps its rounding small
  }
}
