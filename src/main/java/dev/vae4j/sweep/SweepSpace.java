package dev.vae4j.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The trials of a sweep: every combination of the grid's values (the first {@code --grid}
 * outermost), crossed with {@code random} draws from the ranges (seeded, so the same command names
 * the same trials), each run with {@code repeats} seeds {@code seed, seed+1, ...}.
 */
public record SweepSpace(Map<String, List<String>> grid, Map<String, Range> ranges, int random, long seed, int repeats) {
  public SweepSpace {
    grid = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(grid));
    ranges = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ranges));
    if (repeats < 1) throw new IllegalArgumentException("--repeats must be >= 1, got " + repeats);
    if (random < 0) throw new IllegalArgumentException("--random must be >= 1, got " + random);
    if (random > 0 && ranges.isEmpty()) throw new IllegalArgumentException("--random N draws from ranges: give one or more --range NAME=LOW..HIGH");
    if (random == 0 && !ranges.isEmpty()) throw new IllegalArgumentException("--range needs --random N (how many trials to draw)");
    if (grid.isEmpty() && ranges.isEmpty()) throw new IllegalArgumentException("a sweep needs --grid NAME=V1,V2,... or --random N with --range");
    for (String name : ranges.keySet()) {
      if (grid.containsKey(name)) throw new IllegalArgumentException(name + " is both a --grid and a --range");
    }
    if ((grid.containsKey("seed") || ranges.containsKey("seed")) && repeats > 1) {
      throw new IllegalArgumentException("seed is swept already: --repeats is for sweeps that do not set it");
    }
  }

  /**
   * Parses {@code NAME=V1,V2,...} (a list entry inside a value, such as a second hidden layer, is
   * joined with '+': {@code hidden=400,512+256}).
   */
  public static Map.Entry<String, List<String>> parseGrid(String text) {
    int eq = text.indexOf('=');
    if (eq <= 0) throw new IllegalArgumentException("--grid must be NAME=V1,V2,..., got '" + text + "'");
    List<String> values = new ArrayList<>();
    for (String v : text.substring(eq + 1).split(",", -1)) {
      if (v.isBlank()) throw new IllegalArgumentException("--grid " + text + ": an empty value");
      if (values.contains(v.strip())) throw new IllegalArgumentException("--grid " + text + ": " + v.strip() + " twice");
      values.add(v.strip());
    }
    return Map.entry(name(text.substring(0, eq)), List.copyOf(values));
  }

  /** Parses {@code NAME=[log:|int:|logint:]LOW..HIGH}. */
  public static Map.Entry<String, Range> parseRange(String text) {
    int eq = text.indexOf('=');
    if (eq <= 0) throw new IllegalArgumentException("--range must be NAME=[log:|int:|logint:]LOW..HIGH, got '" + text + "'");
    try {
      return Map.entry(name(text.substring(0, eq)), Range.parse(text.substring(eq + 1)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--range " + text + ": " + e.getMessage());
    }
  }

  private static String name(String text) {
    return text.strip().replaceFirst("^--", "");
  }

  private static long seedValue(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("seed: '" + text + "' is not a whole number");
    }
  }

  /** The swept option names, grid first, in the order given. */
  public List<String> parameters() {
    List<String> names = new ArrayList<>(grid.keySet());
    names.addAll(ranges.keySet());
    return names;
  }

  /** Every trial, in the sweep's order (which shards split); a random draw that repeats an earlier one is dropped. */
  public List<Trial> trials() {
    List<Map<String, String>> points = new ArrayList<>();
    points.add(new LinkedHashMap<>());
    for (Map.Entry<String, List<String>> axis : grid.entrySet()) {
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> p : points) {
        for (String v : axis.getValue()) {
          Map<String, String> q = new LinkedHashMap<>(p);
          q.put(axis.getKey(), v);
          next.add(q);
        }
      }
      points = next;
    }
    if (random > 0) {
      SplittableRandom draws = new SplittableRandom(seed);
      List<Map<String, String>> sampled = new ArrayList<>();
      for (int i = 0; i < random; i++) {
        Map<String, String> drawn = new LinkedHashMap<>();
        for (Map.Entry<String, Range> r : ranges.entrySet()) drawn.put(r.getKey(), r.getValue().draw(draws));
        for (Map<String, String> p : points) {
          Map<String, String> q = new LinkedHashMap<>(p);
          q.putAll(drawn);
          sampled.add(q);
        }
      }
      points = sampled;
    }
    Map<String, Trial> trials = new LinkedHashMap<>();
    for (Map<String, String> p : points) {
      for (int r = 0; r < repeats; r++) {
        Map<String, String> params = new LinkedHashMap<>(p);
        long trialSeed = params.containsKey("seed") ? seedValue(params.remove("seed")) : seed + r;
        Trial t = new Trial(params, trialSeed);
        trials.putIfAbsent(t.name(), t);
      }
    }
    return List.copyOf(trials.values());
  }
}
