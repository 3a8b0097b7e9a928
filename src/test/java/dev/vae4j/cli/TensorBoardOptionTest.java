package dev.vae4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.io.EventFileReader;
import dev.vae4j.io.TensorBoardWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --tensorboard}: event files where asked, and in the run folder by default. */
class TensorBoardOptionTest {
  @TempDir Path dir;

  @Test
  void eventFilesGoToTheRunFolderOrTheGivenOne() throws Exception {
    Path run = dir.resolve("run");
    train("--out", run.toString());
    assertHasEpochEvents(run.resolve("tensorboard"));

    Path logs = dir.resolve("logs");
    train("--out", dir.resolve("run2").toString(), "--tensorboard", logs.toString());
    assertHasEpochEvents(logs);
    assertTrue(Files.notExists(dir.resolve("run2").resolve("tensorboard")));
  }

  private static void train(String... where) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    String[] args = Stream.concat(Stream.of("train", "--epochs", "1", "--hidden", "16", "--latent", "2", "--device", "cpu"),
        Stream.of(where)).toArray(String[]::new);
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    assertEquals(0, code, err.toString());
  }

  private static void assertHasEpochEvents(Path folder) throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(folder)) {
      files = s.filter(p -> p.getFileName().toString().startsWith(TensorBoardWriter.FILE_PREFIX)).toList();
    }
    assertEquals(1, files.size(), folder.toString());
    List<String> tags = EventFileReader.read(files.get(0)).stream()
        .flatMap(e -> e.values().stream()).map(EventFileReader.Value::tag).toList();
    for (String tag : List.of("step/loss", "epoch/train_loss", "epoch/val_loss", "samples", "reconstructions")) {
      assertTrue(tags.contains(tag), tag + " in " + tags);
    }
  }
}
