package dev.vae4j.backend.cuda;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a test class that needs a CUDA GPU: tagged {@code gpu}, and skipped, with the probe's
 * reason, where {@link CudaBackend#probe()} says the CUDA backend cannot run.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("gpu")
@ExtendWith(RequiresGpu.Condition.class)
@interface RequiresGpu {

  /** Enables the class only where the CUDA backend is available. */
  final class Condition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      CudaInfo info = CudaBackend.probe();
      return info.available()
          ? ConditionEvaluationResult.enabled("CUDA GPU present: " + info.gpus().get(0).summary())
          : ConditionEvaluationResult.disabled("needs a CUDA GPU: " + info.reason());
    }
  }
}
