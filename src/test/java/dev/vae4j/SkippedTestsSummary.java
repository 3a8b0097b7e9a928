package dev.vae4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Ends a test run with one line per reason tests were skipped (e.g. "skipped 4 test classes, needs
 * a CUDA GPU: no NVIDIA driver (...): CudaVsCpuTest, ..."), so that a build without a GPU says once why its GPU tests did not run instead
 * of leaving a count per class. Registered for every JUnit run through
 * META-INF/services/org.junit.platform.launcher.TestExecutionListener.
 */
public final class SkippedTestsSummary implements TestExecutionListener {
  private final Map<String, List<String>> skippedByReason = new TreeMap<>();
  private TestPlan plan;

  @Override
  public void testPlanExecutionStarted(TestPlan testPlan) {
    plan = testPlan;
    skippedByReason.clear();
  }

  @Override
  public void executionSkipped(TestIdentifier identifier, String reason) {
    count(identifier, reason);
  }

  @Override
  public void executionFinished(TestIdentifier identifier, TestExecutionResult result) {
    if (result.getStatus() == TestExecutionResult.Status.ABORTED) { // a failed assumption
      count(identifier, result.getThrowable().map(Throwable::getMessage).orElse("assumption failed"));
    }
  }

  private void count(TestIdentifier identifier, String reason) {
    String why = reason == null ? "no reason given" : reason.replaceFirst("^Assumption failed: ", "").replace('\n', ' ');
    String name = identifier.isTest()
        ? plan.getParent(identifier).map(TestIdentifier::getDisplayName).orElse("") + "#" + identifier.getDisplayName()
        : identifier.getDisplayName();
    skippedByReason.computeIfAbsent(why, r -> new ArrayList<>()).add(name);
  }

  @Override
  public void testPlanExecutionFinished(TestPlan testPlan) {
    skippedByReason.forEach((reason, names) -> {
      long classes = names.stream().filter(n -> !n.contains("#")).count();
      long tests = names.size() - classes;
      String what = (classes > 0 ? classes + " test class" + (classes == 1 ? "" : "es") : "")
          + (classes > 0 && tests > 0 ? " and " : "") + (tests > 0 ? tests + " test" + (tests == 1 ? "" : "s") : "");
      System.out.println("skipped " + what + ", " + reason + ": " + String.join(", ", names));
    });
    System.out.flush();
  }
}
