package dev.vae4j.sweep;

import java.util.Map;

/**
 * Which trials one process of a sweep spread over machines runs: every {@code count}-th trial
 * starting at {@code index} (0-based), so N shards are disjoint and together run every trial.
 */
public record Shard(int index, int count) {
  /** The environment variable that gives the shard count to a Kubernetes Indexed Job. */
  public static final String COUNT_VARIABLE = "VAE4J_SHARD_COUNT";

  /** The whole sweep in one process. */
  public static final Shard ALL = new Shard(0, 1);

  public Shard {
    if (count < 1) throw new IllegalArgumentException("--shard count must be >= 1, got " + count);
    if (index < 0 || index >= count) {
      throw new IllegalArgumentException("--shard index must be in 0.." + (count - 1) + " for " + count + " shards, got " + index);
    }
  }

  /** Whether the trial at {@code position} in the sweep's order is this shard's. */
  public boolean runs(int position) {
    return position % count == index;
  }

  /**
   * {@code I/N}, or {@code auto}: a Slurm job array ({@code SLURM_ARRAY_TASK_ID} less {@code
   * SLURM_ARRAY_TASK_MIN}, of {@code SLURM_ARRAY_TASK_COUNT}) or a Kubernetes Indexed Job ({@code
   * JOB_COMPLETION_INDEX}, of {@link #COUNT_VARIABLE}, which the manifest sets to its completions).
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static Shard parse(String text, Map<String, String> environment) {
    if (text.equals("auto")) return fromEnvironment(environment);
    int slash = text.indexOf('/');
    if (slash < 0) throw new IllegalArgumentException("--shard must be I/N (e.g. 0/4) or auto, got '" + text + "'");
    return new Shard(number(text.substring(0, slash), "--shard " + text), number(text.substring(slash + 1), "--shard " + text));
  }

  private static Shard fromEnvironment(Map<String, String> env) {
    if (env.get("SLURM_ARRAY_TASK_ID") != null) {
      int id = number(env.get("SLURM_ARRAY_TASK_ID"), "SLURM_ARRAY_TASK_ID");
      int min = env.get("SLURM_ARRAY_TASK_MIN") == null ? 0 : number(env.get("SLURM_ARRAY_TASK_MIN"), "SLURM_ARRAY_TASK_MIN");
      String count = env.get("SLURM_ARRAY_TASK_COUNT");
      if (count == null) throw new IllegalArgumentException("--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not");
      return new Shard(id - min, number(count, "SLURM_ARRAY_TASK_COUNT"));
    }
    if (env.get("JOB_COMPLETION_INDEX") != null) {
      String count = env.get(COUNT_VARIABLE);
      if (count == null) {
        throw new IllegalArgumentException("--shard auto: JOB_COMPLETION_INDEX is set but " + COUNT_VARIABLE
            + " (the Job's completions) is not");
      }
      return new Shard(number(env.get("JOB_COMPLETION_INDEX"), "JOB_COMPLETION_INDEX"), number(count, COUNT_VARIABLE));
    }
    throw new IllegalArgumentException("--shard auto needs SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (a Slurm job array) "
        + "or JOB_COMPLETION_INDEX and " + COUNT_VARIABLE + " (a Kubernetes Indexed Job), and neither is set");
  }

  private static int number(String text, String what) {
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + ": '" + text + "' is not a whole number");
    }
  }

  @Override
  public String toString() {
    return index + "/" + count;
  }
}
