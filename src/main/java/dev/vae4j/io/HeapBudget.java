package dev.vae4j.io;

import java.util.Locale;

/**
 * What the Java heap can still give, so that a reader or a command can refuse a size it cannot
 * hold with one line, before allocating, instead of failing half-way with an {@link
 * OutOfMemoryError}.
 */
public final class HeapBudget {
  private HeapBudget() {}

  /**
   * Whether {@code bytes} more fit in the heap. The used figure counts garbage not yet collected,
   * so a size that seems not to fit is checked again after a collection before it is refused.
   */
  public static boolean fits(long bytes) {
    if (bytes <= available()) return true;
    System.gc(); // only on the path that would otherwise refuse
    return bytes <= available();
  }

  /** Bytes the heap can still grow by: its maximum less what is in use. */
  public static long available() {
    Runtime r = Runtime.getRuntime();
    return r.maxMemory() - (r.totalMemory() - r.freeMemory());
  }

  /** The maximum heap (-Xmx). */
  public static long maximum() {
    return Runtime.getRuntime().maxMemory();
  }

  /** "2.1 GB, more than the 0.2 GB of heap left (-Xmx 0.3 GB; ...)". */
  public static String shortfall(long bytes) {
    return size(bytes) + ", more than the " + size(available()) + " of heap left (-Xmx " + size(maximum())
        + "; raise it with JAVA_OPTS=-Xmx...)";
  }

  /** A byte count for people: "512 KB", "3.3 GB". */
  public static String size(long bytes) {
    if (bytes < 1_000_000) return String.format(Locale.ROOT, "%d KB", (bytes + 999) / 1000);
    if (bytes < 1_000_000_000) return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
  }
}
