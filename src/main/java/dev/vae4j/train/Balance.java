package dev.vae4j.train;

import java.util.Locale;

/**
 * Class-balanced sampling ({@code train --balance}): how {@link EpochOrder} draws an epoch's rows
 * from a labelled training set whose classes have unequal counts.
 */
public enum Balance {
  /** Every training row once per epoch, shuffled: the default. */
  NONE,
  /** Every class drawn as often as the largest one: its rows repeated, plus a seeded remainder. */
  OVERSAMPLE,
  /** Every class drawn as often as the smallest one: a seeded subset of each. */
  UNDERSAMPLE;

  /** The name the command line and config.json use. */
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The balance named {@code text}; anything else throws {@link IllegalArgumentException} naming the choices. */
  public static Balance parse(String text) {
    for (Balance b : values()) if (b.text().equals(text)) return b;
    throw new IllegalArgumentException("must be none, oversample or undersample, got '" + text + "'");
  }
}
