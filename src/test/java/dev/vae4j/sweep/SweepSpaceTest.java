package dev.vae4j.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The trials a grid or a random search names, and how shards split them. */
class SweepSpaceTest {
  @Test
  void gridIsEveryCombinationFirstGridOutermostWithRepeatsInnermost() {
    Map<String, List<String>> grid = new LinkedHashMap<>();
    grid.put("lr", List.of("1e-3", "3e-4"));
    grid.put("latent", List.of("2", "10"));
    List<Trial> trials = new SweepSpace(grid, Map.of(), 0, 5, 2).trials();
    assertEquals(8, trials.size());
    assertEquals("latent=2,lr=1e-3,seed=5", trials.get(0).name());
    assertEquals("latent=2,lr=1e-3,seed=6", trials.get(1).name());
    assertEquals("latent=10,lr=1e-3,seed=5", trials.get(2).name());
    assertEquals("latent=2,lr=3e-4,seed=5", trials.get(4).name());
  }

  @Test
  void randomDrawsAreSeededAndInsideTheirRanges() {
    Map<String, Range> ranges = new LinkedHashMap<>();
    ranges.put("lr", Range.parse("log:1e-4..3e-3"));
    ranges.put("latent", Range.parse("int:2..64"));
    List<Trial> a = new SweepSpace(Map.of(), ranges, 20, 7, 1).trials();
    assertEquals(a, new SweepSpace(Map.of(), ranges, 20, 7, 1).trials(), "the same seed draws the same trials");
    assertTrue(!a.equals(new SweepSpace(Map.of(), ranges, 20, 8, 1).trials()));
    for (Trial t : a) {
      double lr = Double.parseDouble(t.parameters().get("lr"));
      int latent = Integer.parseInt(t.parameters().get("latent"));
      assertTrue(lr >= 1e-4 && lr <= 3e-3, t.name());
      assertTrue(latent >= 2 && latent <= 64, t.name());
    }
  }

  @Test
  void logIntRangeCoversBothEnds() {
    Range r = Range.parse("logint:2..4");
    Set<String> seen = new HashSet<>();
    java.util.SplittableRandom random = new java.util.SplittableRandom(1);
    for (int i = 0; i < 200; i++) seen.add(r.draw(random));
    assertEquals(Set.of("2", "3", "4"), seen);
  }

  @Test
  void malformedGridsAndRangesAreRefusedNamingTheProblem() {
    assertThrows(IllegalArgumentException.class, () -> SweepSpace.parseGrid("latent"));
    assertThrows(IllegalArgumentException.class, () -> SweepSpace.parseGrid("latent=2,,4"));
    assertThrows(IllegalArgumentException.class, () -> SweepSpace.parseGrid("latent=2,2"));
    for (String bad : List.of("lr", "lr=1e-4", "lr=log:0..1", "lr=cube:1..2", "lr=3..1", "latent=int:1.5..4", "lr=a..b")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SweepSpace.parseRange(bad), bad);
      assertTrue(e.getMessage().startsWith("--range"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> new SweepSpace(Map.of(), Map.of(), 0, 1, 1), "nothing swept");
    assertThrows(IllegalArgumentException.class, () -> new SweepSpace(Map.of(), Map.of("lr", Range.parse("1..2")), 0, 1, 1),
        "a range without --random");
  }

  @Test
  void shardsAreDisjointAndComplete() {
    for (int n = 1; n <= 5; n++) {
      int[] owners = new int[11];
      for (int i = 0; i < n; i++) {
        Shard s = Shard.parse(i + "/" + n, Map.of());
        for (int t = 0; t < owners.length; t++) if (s.runs(t)) owners[t]++;
      }
      for (int t = 0; t < owners.length; t++) assertEquals(1, owners[t], "trial " + t + " of " + n + " shards");
    }
  }

  @Test
  void autoShardReadsSlurmAndKubernetesVariables() {
    assertEquals(new Shard(2, 4), Shard.parse("auto", Map.of("SLURM_ARRAY_TASK_ID", "2", "SLURM_ARRAY_TASK_COUNT", "4")));
    assertEquals(new Shard(0, 3), Shard.parse("auto",
        Map.of("SLURM_ARRAY_TASK_ID", "1", "SLURM_ARRAY_TASK_MIN", "1", "SLURM_ARRAY_TASK_COUNT", "3")), "--array=1-3");
    assertEquals(new Shard(3, 5), Shard.parse("auto", Map.of("JOB_COMPLETION_INDEX", "3", Shard.COUNT_VARIABLE, "5")));
    for (Map<String, String> bad : List.of(Map.<String, String>of(), Map.of("JOB_COMPLETION_INDEX", "3"),
        Map.of("SLURM_ARRAY_TASK_ID", "1"), Map.of("SLURM_ARRAY_TASK_ID", "4", "SLURM_ARRAY_TASK_COUNT", "4"))) {
      assertThrows(IllegalArgumentException.class, () -> Shard.parse("auto", bad), bad.toString());
    }
    for (String bad : List.of("3/3", "-1/2", "1", "a/b", "0/0")) {
      assertThrows(IllegalArgumentException.class, () -> Shard.parse(bad, Map.of()), bad);
    }
  }
}
