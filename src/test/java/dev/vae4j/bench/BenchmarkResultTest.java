package dev.vae4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchmarkResultTest {
  @Test
  void theBuilderSetsEachFieldByName() throws Exception {
    Machine machine = new Machine("cpu", 2, "17", null, null);
    Benchmark.Result r = Benchmark.Result.builder()
        .backend("cpu").backendDescription("desc").model("784-400-20").batchSize(128).steps(100).data("synthetic")
        .samplesPerSecond(1).rounds(5).slowestRoundSamplesPerSecond(2).fastestRoundSamplesPerSecond(3).msPerStep(4)
        .gflopPerStep(5).gflopsAchieved(6).gemmOnlyGflops(7).gemmOnlySamplesPerSecond(8).peakResidentBytes(9)
        .secondsToFirstStepStart(10).secondsToFirstStep(11).warmupSteps(12).warmupSeconds(13).jitQuiet(true)
        .machine(machine).workload("inference").build();
    assertEquals(new Benchmark.Result("cpu", "desc", "784-400-20", 128, 100, "synthetic", 1, 5, 2, 3, 4, 5, 6, 7, 8, 9,
        10, 11, 12, 13, true, machine, "inference"), r);
    // bench --json names the record's components, nothing else
    List<String> names = new ArrayList<>();
    new ObjectMapper().valueToTree(r).fieldNames().forEachRemaining(names::add);
    assertEquals(Arrays.stream(Benchmark.Result.class.getRecordComponents()).map(RecordComponent::getName).sorted().toList(),
        names.stream().sorted().toList());
  }

  @Test
  void unsetStartUpTimesAreUnknown() {
    Benchmark.Result r = Benchmark.Result.builder().build();
    assertEquals(Double.NaN, r.secondsToFirstStep());
    assertEquals(Double.NaN, r.secondsToFirstStepStart());
    assertEquals(-1, r.peakResidentBytes());
    assertEquals(Benchmark.TRAINING, r.workload());
  }
}
