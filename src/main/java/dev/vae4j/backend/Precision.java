package dev.vae4j.backend;

import java.util.Locale;

/**
 * What a backend's GEMMs read: FP32 (the default, every op in float32), or BF16, where the GEMMs
 * of dense layers read bfloat16 copies of their operands (weights and activations, rounded to
 * nearest even) and accumulate and write in float32, while master weights, the optimizer, the loss
 * and every elementwise op stay float32 ({@code --precision}).
 */
public enum Precision {
  FP32,
  BF16;

  /** {@code fp32} or {@code bf16}, as the option and config.json spell it. */
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The precision named {@code text} ({@code fp32} or {@code bf16}, any case). */
  public static Precision parse(String text) {
    for (Precision p : values()) {
      if (p.text().equalsIgnoreCase(text)) return p;
    }
    throw new IllegalArgumentException("must be fp32 or bf16, got '" + text + "'");
  }
}
