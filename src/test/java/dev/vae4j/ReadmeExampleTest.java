package dev.vae4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.cli.Main;
import dev.vae4j.model.VaeConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * README.md's Java examples compile against the library and run: "Use from Java" (training the
 * classic model for 3 epochs) and "Evaluate, generate and score anomalies" (on a run folder that
 * {@code train --classes} wrote); and the dependency snippet names this project's coordinates.
 */
class ReadmeExampleTest {
  @TempDir Path dir;

  @Test
  void theJavaExampleCompilesAndTrains() throws Exception {
    Path model = dir.resolve("model.safetensors");
    String out = compileAndRun("java-example", model.toString());
    Matcher loss = Pattern.compile("validation loss (\\d+\\.\\d) nats").matcher(out);
    assertTrue(loss.find(), out);
    assertTrue(Double.parseDouble(loss.group(1)) < 165, "3 epochs of 784-400-20 learn (158 measured): " + out);
    try (CpuBackend backend = new CpuBackend()) {
      assertEquals(VaeConfig.mnistDefault(), Vae.load(model, backend).config());
    }
  }

  @Test
  void theEvaluationExampleCompilesAndScores() throws Exception {
    Path run = dir.resolve("run");
    assertEquals(0, Main.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), "train", "--epochs", "1",
        "--classes", "0,1,2,3,4,5,6,7,8", "--device", "cpu", "--out", run.toString()));
    String out = compileAndRun("java-example-eval", run.toString());
    Matcher figures = Pattern.compile("-ELBO (\\d+\\.\\d) = (\\d+\\.\\d) \\+ KL (\\d+\\.\\d), IWAE (\\d+\\.\\d) nats").matcher(out);
    assertTrue(figures.find(), out);
    double elbo = Double.parseDouble(figures.group(1)), iwae = Double.parseDouble(figures.group(4));
    assertTrue(elbo < 250, "one epoch learns (210 measured; an untrained model is near 784 ln 2 = 543): " + out);
    assertTrue(iwae <= elbo, "the IWAE estimate of -log p(x) is at most the -ELBO: " + out);
    Matcher roc = Pattern.compile("class 9: ROC AUC (\\d\\.\\d+), average precision (\\d\\.\\d+)").matcher(out);
    assertTrue(roc.find(), out);
    assertTrue(Files.size(run.resolve("prior.png")) > 0);
  }

  @Test
  void theDependencySnippetNamesThisProject() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    String coordinates = "<groupId>" + child(pom, "groupId") + "</groupId>\n  <artifactId>" + child(pom, "artifactId")
        + "</artifactId>\n  <version>" + child(pom, "version") + "</version>";
    assertTrue(readme.contains(coordinates), "README's dependency snippet: " + coordinates);
  }

  /**
   * Compiles the Java block between README's markers {@code <!-- MARKER:begin -->} and {@code
   * <!-- MARKER:end -->} (lint warnings are errors), runs its main with {@code args}, and returns
   * what it printed.
   */
  private String compileAndRun(String marker, String... args) throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    String source = between(readme, "<!-- " + marker + ":begin -->", "<!-- " + marker + ":end -->", "java");
    Matcher name = Pattern.compile("public class (\\w+)").matcher(source);
    assertTrue(name.find(), "the example declares a public class");
    Path classes = Files.createDirectories(dir.resolve(marker));
    Path file = classes.resolve(name.group(1) + ".java");
    Files.writeString(file, source);

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    StringWriter errors = new StringWriter();
    boolean compiled = javac.getTask(errors, null, null,
        List.of("-classpath", classpath, "-d", classes.toString(), "-Xlint:all", "-Werror"), null,
        javac.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(file)).call();
    assertTrue(compiled, "README example " + marker + " does not compile:\n" + errors);

    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      Method main = loader.loadClass(name.group(1)).getMethod("main", String[].class);
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      main.invoke(null, (Object) args);
    } finally {
      System.setOut(stdout);
    }
    return printed.toString(StandardCharsets.UTF_8);
  }

  /** The code block of {@code language} between two markers. */
  private static String between(String text, String begin, String end, String language) {
    int from = text.indexOf(begin), to = text.indexOf(end);
    assertTrue(from >= 0 && to > from, "README.md has the markers " + begin + " ... " + end);
    String block = text.substring(from, to);
    String fence = "```" + language;
    return block.substring(block.indexOf(fence) + fence.length(), block.lastIndexOf("```"));
  }

  /** The text of the project's own element {@code tag} (a direct child of project). */
  private static String child(Document pom, String tag) {
    for (var n = pom.getDocumentElement().getFirstChild(); n != null; n = n.getNextSibling()) {
      if (tag.equals(n.getNodeName())) return n.getTextContent().strip();
    }
    throw new AssertionError("pom.xml has no project/" + tag);
  }
}
