package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vae4j.backend.cuda.CudaBackend;
import dev.vae4j.backend.cuda.CudaInfo;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code --device} on every command, the CUDA switches of {@code train} ({@code --tf32}, {@code
 * --no-graph}) and {@code vae4j info}, on a machine with or (as in CI) without a GPU.
 */
class DeviceOptionsTest {
  @TempDir Path dir;

  @Test
  void everyCommandThatComputesTakesDevice() {
    Map<String, CommandLine> commands = Main.commandLine().getSubcommands();
    assertTrue(commands.containsKey("train") && commands.size() > 3, commands.keySet().toString());
    for (Map.Entry<String, CommandLine> c : commands.entrySet()) {
      if (c.getKey().equals("help") || c.getKey().equals("info")) continue; // info reports every device
      assertNotNull(c.getValue().getCommandSpec().findOption("--device"), c.getKey() + " has no --device");
    }
  }

  @Test
  void infoPrintsVersionsKernelsGpusAndWhatAutoPicks() {
    CliRun o = run("info");
    assertEquals(0, o.code(), o.err());
    CudaInfo cuda = CudaBackend.probe();
    assertTrue(o.out().contains("processor " + dev.vae4j.bench.Machine.current().cpu() + "\n"), o.out());
    assertTrue(o.out().contains("OpenBLAS  " + dev.vae4j.bench.Machine.current().openblasVariables() + "\n"), o.out());
    assertTrue(o.out().contains("CUDA      driver "), o.out());
    assertTrue(o.out().contains(", runtime "), o.out());
    assertTrue(o.out().contains(cuda.kernelsBuilt() ? "kernels   built for sm_" : "this build has no CUDA kernels"),
        o.out());
    if (cuda.available()) {
      assertTrue(o.out().contains("GPU 0     "), o.out());
      assertTrue(o.out().contains("auto      cuda"), o.out());
    } else {
      assertTrue(o.out().contains("GPUs      none") || o.out().contains("GPU 0"), o.out());
      assertTrue(o.out().contains("CUDA unavailable: " + cuda.reason()), o.out());
      assertTrue(o.out().contains("auto      cpu (using the CPU: CUDA unavailable: " + cuda.reason() + ")"), o.out());
    }
  }

  @Test
  void cudaSwitchesAreAcceptedAndLeaveTheCpuAlone() throws Exception {
    Path run = dir.resolve("run");
    CliRun o = run("train", "--device", "cpu", "--tf32", "--no-graph", "--epochs", "1", "--hidden", "16",
        "--latent", "2", "--out", run.toString());
    assertEquals(0, o.code(), o.err());
    JsonNode config = new ObjectMapper().readTree(run.resolve("config.json").toFile());
    assertEquals("cpu", config.get("device").asText());
    assertTrue(config.at("/gpu/tf32").asBoolean() && !config.at("/gpu/graphs").asBoolean(true), config.toString());
  }

  @Test
  void resumeRestoresTheCudaSwitches() throws Exception {
    Path run = dir.resolve("run");
    assertEquals(0, run("train", "--device", "cpu", "--tf32", "--no-graph", "--epochs", "1", "--hidden", "16",
        "--latent", "2", "--out", run.toString()).code());
    TrainCommand resumed = new TrainCommand();
    CommandLine cli = new CommandLine(resumed);
    cli.parseArgs("--resume", run.toString());
    ResumeConfig.apply(run, resumed, cli);
    assertTrue(resumed.tf32, "--tf32 comes back from config.json");
    assertTrue(resumed.noGraph, "--no-graph comes back from config.json");
  }

  @Test
  void cudaWithSwitchesButNoGpuFailsWithTheReason() {
    CudaInfo cuda = CudaBackend.probe();
    if (cuda.available()) return; // the gpu-tagged tests cover this machine
    CliRun o = run("train", "--device", "cuda", "--tf32", "--no-graph", "--epochs", "1", "--out",
        dir.resolve("gpu").toString());
    assertEquals(1, o.code(), o.err());
    assertTrue(o.err().contains(cuda.reason()), o.err());
  }
}
