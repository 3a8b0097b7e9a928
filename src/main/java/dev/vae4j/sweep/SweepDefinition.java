package dev.vae4j.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vae4j.io.AtomicFiles;
import dev.vae4j.io.FormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code sweep.json} records: the trials' space, the train options every trial shares, the
 * pruning rule, the metric and, with {@code --metric val_iwae}, the draws per image of every
 * trial's validation IWAE bound ({@code iwaeSamples}, else 0), so that rerunning the sweep (or another shard of it) can check
 * it continues the same sweep, and {@code --report} needs no options.
 */
public record SweepDefinition(SweepSpace space, List<String> trainOptions, String prune, String metric, int iwaeSamples) {
  public static final String FILE = "sweep.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public SweepDefinition {
    trainOptions = List.copyOf(trainOptions);
  }

  /** A sweep ranked by a number of metrics.jsonl: no IWAE bound to compute. */
  public SweepDefinition(SweepSpace space, List<String> trainOptions, String prune, String metric) {
    this(space, trainOptions, prune, metric, 0);
  }

  /**
   * How {@code other} (what the folder holds) differs in what decides the trials' results, one
   * phrase per difference; the metric is not among them (it only orders the table), but the IWAE
   * bound's draws are (each trial computes its bound with them).
   */
  public List<String> differences(SweepDefinition other) {
    List<String> d = new ArrayList<>();
    compare(d, "the grid", describeGrid(other.space.grid()), describeGrid(space.grid()));
    compare(d, "the ranges", other.space.ranges().toString(), space.ranges().toString());
    compare(d, "--random", Integer.toString(other.space.random()), Integer.toString(space.random()));
    compare(d, "--seed", Long.toString(other.space.seed()), Long.toString(space.seed()));
    compare(d, "--repeats", Integer.toString(other.space.repeats()), Integer.toString(space.repeats()));
    compare(d, "the shared train options", String.join(" ", other.trainOptions), String.join(" ", trainOptions));
    compare(d, "--prune", String.valueOf(other.prune), String.valueOf(prune));
    compare(d, "--iwae-samples (of --metric val_iwae)", other.iwaeSamples == 0 ? "" : Integer.toString(other.iwaeSamples),
        iwaeSamples == 0 ? "" : Integer.toString(iwaeSamples));
    return d;
  }

  private static void compare(List<String> d, String what, String there, String here) {
    if (!there.equals(here)) d.add(what + " (there: " + (there.isEmpty() ? "none" : there) + ", here: " + (here.isEmpty() ? "none" : here) + ")");
  }

  private static String describeGrid(Map<String, List<String>> grid) {
    List<String> parts = new ArrayList<>();
    grid.forEach((name, values) -> parts.add(name + "=" + String.join(",", values)));
    return String.join(" ", parts);
  }

  /** Writes {@code dir/sweep.json}, atomically. */
  public void write(Path dir) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", 1);
    ObjectNode grid = root.putObject("grid");
    space.grid().forEach((name, values) -> values.forEach(grid.putArray(name)::add));
    ObjectNode ranges = root.putObject("ranges");
    space.ranges().forEach((name, range) -> ranges.put(name, range.toString()));
    root.put("random", space.random());
    root.put("seed", space.seed());
    root.put("repeats", space.repeats());
    trainOptions.forEach(root.putArray("train")::add);
    if (prune == null) root.putNull("prune");
    else root.put("prune", prune);
    root.put("metric", metric);
    if (iwaeSamples > 0) root.put("iwae_samples", iwaeSamples); // absent before --metric val_iwae, and without it
    ArrayNode trials = root.putArray("trials");
    for (Trial t : space.trials()) trials.add(t.name());
    AtomicFiles.write(dir.resolve(FILE), (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Reads {@code dir/sweep.json}. */
  public static SweepDefinition read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new FormatException(file + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
    }
    try {
      Map<String, List<String>> grid = new LinkedHashMap<>();
      root.get("grid").fields().forEachRemaining(e -> {
        List<String> values = new ArrayList<>();
        e.getValue().forEach(v -> values.add(v.asText()));
        grid.put(e.getKey(), values);
      });
      Map<String, Range> ranges = new LinkedHashMap<>();
      root.get("ranges").fields().forEachRemaining(e -> ranges.put(e.getKey(), Range.parse(e.getValue().asText())));
      List<String> train = new ArrayList<>();
      root.get("train").forEach(v -> train.add(v.asText()));
      SweepSpace space = new SweepSpace(grid, ranges, root.get("random").asInt(), root.get("seed").asLong(), root.get("repeats").asInt());
      return new SweepDefinition(space, train, root.get("prune").isNull() ? null : root.get("prune").asText(), root.get("metric").asText(),
          root.path("iwae_samples").asInt(0));
    } catch (NullPointerException | IllegalArgumentException e) {
      throw new FormatException(file + ": not a sweep definition vae4j wrote (" + e.getMessage() + ")", e);
    }
  }
}
