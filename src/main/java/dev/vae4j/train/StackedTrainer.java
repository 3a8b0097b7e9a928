package dev.vae4j.train;

import dev.vae4j.Vae;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.Precision;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.model.VaeConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * TEMPORARY STAND-IN for the real stacked trainer (another branch): the same API, each member
 * trained in turn with {@link Trainer#fit}, so that {@code sweep --parallel-mode stacked} builds and
 * its tests run. Replaced at merge.
 */
public final class StackedTrainer {
  private StackedTrainer() {}

  /** One model of a stacked fit, with what {@link Trainer#fit} would take for it alone. */
  public record Member(Vae model, TrainOptions options, TrainingListener listener, RunControl control) {}

  /** A member's result, or what {@link Trainer#fit} would have thrown for it alone. */
  public record Outcome(Trainer.Result result, RuntimeException failure) {}

  /** Null when a run of {@code config}, {@code options} and {@code control} can be stacked, else why not. */
  public static String whyNotStackable(VaeConfig config, TrainOptions options, RunControl control) {
    if (!config.isMlp()) return "stacked training takes MLP models, not convolutional ones";
    if (config.likelihood() != Likelihood.BERNOULLI && config.likelihood() != Likelihood.GAUSSIAN) {
      return "stacked training takes the bernoulli or gaussian likelihood, not " + config.likelihood().cliName();
    }
    if (config.classes() > 0) return "stacked training takes plain VAEs, not conditional ones";
    OptimizerChoice.Rule rule = options.optimizer().rule();
    if (rule != OptimizerChoice.Rule.ADAM && rule != OptimizerChoice.Rule.ADAMW) return "stacked training takes Adam or AdamW";
    if (options.optimizer().l1() != 0) return "stacked training takes no --l1";
    if (options.dropout() != 0) return "stacked training takes no --dropout";
    if (options.clipGradNorm() != 0) return "stacked training takes no --clip-grad-norm";
    if (options.classWeights().enabled()) return "stacked training takes no --class-weights";
    if (options.balance() != Balance.NONE) return "stacked training takes no --balance";
    if (options.iwaeK() != 1) return "stacked training takes no --iwae-k";
    if (options.precision() != Precision.FP32) return "stacked training takes fp32 only";
    if (control.skipNonFinite()) return "stacked training takes no --skip-nonfinite";
    if (control.checkpoints().stepInterval() != 0) return "stacked training takes no --checkpoint-every";
    return null;
  }

  /** Runs with equal keys may train in one stacked fit. */
  public static Object stackKey(VaeConfig config, TrainOptions options) {
    return new Key(config, options.batchSize(), options.epochs(), options.validationFraction(), options.validateOnTestSplit());
  }

  private record Key(VaeConfig config, int batchSize, int epochs, double validationFraction, boolean onTest) {}

  /** The epoch a fit with {@code control} starts at: 0 fresh, else its resume state's. */
  public static int startEpoch(RunControl control) {
    return control.resumeFrom() == null ? 0 : control.resumeFrom().epoch();
  }

  /** Trains every member on {@code data}, each exactly as {@link Trainer#fit} alone (here: in turn). */
  public static List<Outcome> fit(List<Member> members, DatasetSplit data) {
    List<Outcome> outcomes = new ArrayList<>();
    for (Member m : members) {
      try {
        outcomes.add(new Outcome(Trainer.fit(m.model(), data, m.options(), m.listener(), m.control()), null));
      } catch (RuntimeException e) {
        outcomes.add(new Outcome(null, e));
      }
    }
    return outcomes;
  }
}
