package dev.vae4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rules between layers (docs/architecture.md), checked on the sources: only {@link Backends}
 * names a concrete backend, the two backends never import each other, and nothing but the CLI
 * imports the CLI.
 */
class LayeringTest {
  private static final Path SOURCES = Path.of("src/main/java/dev/vae4j");

  @Test
  void onlyBackendsNamesAConcreteBackend() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (Path file : javaFiles()) {
      String where = SOURCES.relativize(file).toString();
      if (where.startsWith("backend/cpu/") || where.startsWith("backend/cuda/") || where.equals("Backends.java")) continue;
      if (imports(file, "dev.vae4j.backend.cpu.") || imports(file, "dev.vae4j.backend.cuda.")) offenders.add(where);
    }
    assertEquals(List.of(), offenders);
  }

  @Test
  void theBackendsDoNotImportEachOtherAndOnlyTheCliImportsTheCli() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (Path file : javaFiles()) {
      String where = SOURCES.relativize(file).toString();
      if (where.startsWith("backend/cpu/") && imports(file, "dev.vae4j.backend.cuda.")) offenders.add(where);
      if (where.startsWith("backend/cuda/") && imports(file, "dev.vae4j.backend.cpu.")) offenders.add(where);
      if (!where.startsWith("cli/") && imports(file, "dev.vae4j.cli.")) offenders.add(where);
    }
    assertEquals(List.of(), offenders);
  }

  /**
   * Above the CUDA seam ({@code backend.cuda.CudaApi}) nothing names bytedeco's CUDA classes, which
   * cannot be initialised without {@code libcudart}: so that the recording fake runs a whole
   * training step on any machine (CudaTranscriptTest). Only {@code RealCuda} (the bindings behind
   * the seam), {@code CudaLibraries} (the load) and {@code Status} (error strings, read only on
   * failure) may; the others may import only
   * primitive constants, which javac copies into the importing class.
   */
  @Test
  void onlyTheRealSideOfTheCudaSeamNamesTheCudaBindings() throws IOException, ReflectiveOperationException {
    List<String> allowed = List.of("RealCuda.java", "CudaLibraries.java", "Status.java");
    List<String> offenders = new ArrayList<>();
    for (Path file : javaFiles()) {
      String where = SOURCES.relativize(file).toString();
      if (!where.startsWith("backend/cuda/") || allowed.contains(file.getFileName().toString())) continue;
      for (String line : Files.readAllLines(file)) {
        String imported = line.trim();
        if (imported.startsWith("import static org.bytedeco.cuda.")) {
          String name = imported.substring("import static ".length(), imported.length() - 1);
          int dot = name.lastIndexOf('.');
          // Loaded, not initialised: reading a field's declaration runs no native code.
          Class<?> owner = Class.forName(name.substring(0, dot), false, getClass().getClassLoader());
          java.lang.reflect.Field f = owner.getField(name.substring(dot + 1));
          int mods = f.getModifiers();
          if (!(java.lang.reflect.Modifier.isStatic(mods) && java.lang.reflect.Modifier.isFinal(mods)
              && f.getType().isPrimitive())) {
            offenders.add(where + ": " + name);
          }
        } else if (imported.contains("org.bytedeco.cuda.")) {
          offenders.add(where + ": " + imported);
        }
      }
    }
    assertEquals(List.of(), offenders);
  }

  private static List<Path> javaFiles() throws IOException {
    assertTrue(Files.isDirectory(SOURCES), "run from the project root: " + SOURCES.toAbsolutePath());
    try (Stream<Path> files = Files.walk(SOURCES)) {
      return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
    }
  }

  /** Imported or written out in full anywhere in the file. */
  private static boolean imports(Path file, String packagePrefix) throws IOException {
    return Files.readString(file).contains(packagePrefix);
  }
}
