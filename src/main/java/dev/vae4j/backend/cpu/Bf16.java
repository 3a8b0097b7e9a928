package dev.vae4j.backend.cpu;

/**
 * bfloat16 (1 sign, 8 exponent, 7 stored mantissa bits: float32's upper half) rounding, as
 * PyTorch's {@code tensor.to(torch.bfloat16)} and oneDNN's reorders do it: to nearest, ties to
 * even, NaN kept a quiet NaN. The relative error of a rounded normal value is at most 2^-9.
 */
final class Bf16 {
  private Bf16() {}

  /** {@code x} rounded to bfloat16, as its 16 bits. */
  static short round(float x) {
    int bits = Float.floatToRawIntBits(x);
    if (Float.isNaN(x)) return (short) ((bits >>> 16) | 0x40);
    return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
  }

  /** The float32 value of bfloat16 bits. */
  static float value(short bits) {
    return Float.intBitsToFloat((bits & 0xFFFF) << 16);
  }
}
