package dev.vae4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rules between layers (docs/architecture.md), checked on the sources: which packages each
 * package may use (the table there), only {@link Backends} names a concrete backend, the two
 * backends never import each other, and nothing but the CLI imports the CLI.
 */
class LayeringTest {
  private static final Path SOURCES = Path.of("src/main/java/dev/vae4j");

  /**
   * Each package (relative to {@code dev.vae4j}; "" is the API package itself) and the vae4j
   * packages it may name, as docs/architecture.md's modules table states them. {@code cli} may use
   * every one; a package not listed here fails the test until it is.
   */
  private static final Map<String, Set<String>> MAY_USE = Map.ofEntries(
      Map.entry("", Set.of("backend", "backend.cpu", "backend.cuda", "model", "model.layer", "io")),
      Map.entry("train", Set.of("", "backend", "model", "model.layer", "data", "io")),
      Map.entry("run", Set.of("", "train", "eval", "plot", "backend", "model", "model.layer", "data", "io")),
      Map.entry("bench", Set.of("", "train", "backend", "model", "model.layer", "data")),
      Map.entry("eval", Set.of("", "backend", "model", "model.layer", "data", "io")),
      Map.entry("plot", Set.of("eval", "io")),
      Map.entry("sweep", Set.of("run", "io")),
      Map.entry("model", Set.of("backend", "model.layer", "io")),
      Map.entry("model.layer", Set.of("backend")),
      Map.entry("backend", Set.of()),
      Map.entry("backend.cpu", Set.of("backend")),
      Map.entry("backend.cuda", Set.of("backend")),
      Map.entry("data", Set.of("io")),
      Map.entry("io", Set.of()));

  private static final Pattern NAMED = Pattern.compile("\\bdev\\.vae4j((?:\\.[a-z]\\w*)*)\\.[A-Z]");

  @Test
  void eachPackageUsesOnlyThePackagesTheArchitectureAllows() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (Path file : javaFiles()) {
      Path dir = SOURCES.relativize(file).getParent();
      String pkg = dir == null ? "" : dir.toString().replace('/', '.');
      if (pkg.equals("cli")) continue;
      Set<String> allowed = MAY_USE.get(pkg);
      if (allowed == null) {
        offenders.add(pkg + ": a package docs/architecture.md and this test do not know");
        continue;
      }
      // Code only: a Javadoc mention is not a dependency (and must not need an import).
      String code = Files.readString(file).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
      Matcher m = NAMED.matcher(code);
      while (m.find()) {
        String used = m.group(1).isEmpty() ? "" : m.group(1).substring(1);
        if (!used.equals(pkg) && !allowed.contains(used)) {
          offenders.add(SOURCES.relativize(file) + " uses " + (used.isEmpty() ? "the API package" : used));
        }
      }
    }
    assertEquals(List.of(), offenders.stream().distinct().toList());
  }

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
