package dev.vae4j.sweep;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * One trial of a sweep: the train options it sets (name without dashes to value, sorted by name)
 * and its seed. Its name, {@code latent=10,lr=0.001,seed=1}, is its run folder's name inside the
 * sweep folder, so the folder says what the trial was.
 */
public record Trial(Map<String, String> parameters, long seed) {
  /** Characters kept in a folder name; any other becomes '_'. */
  private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._=,+-]");

  public Trial {
    parameters = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(parameters));
  }

  /** The run folder's name: every parameter as name=value, then the seed. */
  public String name() {
    StringBuilder s = new StringBuilder();
    for (Map.Entry<String, String> e : parameters.entrySet()) s.append(e.getKey()).append('=').append(e.getValue()).append(',');
    return UNSAFE.matcher(s.append("seed=").append(seed).toString()).replaceAll("_");
  }
}
