package dev.vae4j.train;

import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.OptimizerParams;
import dev.vae4j.backend.RmspropParams;
import dev.vae4j.backend.SgdParams;
import java.util.Locale;

/**
 * Which update rule trains ({@code --optimizer}) and the L1 penalty on the weights ({@code --l1}),
 * each as PyTorch 1.13 has it: {@code Adam} (the default), {@code AdamW}, {@code SGD(momentum)}
 * (no dampening, no Nesterov), {@code RMSprop} (alpha 0.99, eps 1e-8, not centered). The L1 term
 * {@code l1 * sum|w|} over weight tensors (not biases) adds {@code l1 * sign(w)} to their gradient;
 * it is not part of the reported loss, so losses stay comparable ELBOs.
 *
 * @param rule the update rule
 * @param momentum SGD's momentum factor in [0, 1); 0 for every other rule
 * @param l1 the L1 coefficient, >= 0 (0: none)
 */
public record OptimizerChoice(Rule rule, double momentum, double l1) {

  /** The update rules, by their {@code --optimizer} and config.json names. */
  public enum Rule {
    ADAM, ADAMW, SGD, RMSPROP;

    /** The name {@code --optimizer} and config.json use. */
    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What {@code --optimizer} accepts, for messages. */
  public static final String ACCEPTED = "adam, adamw, sgd[:MOMENTUM] with MOMENTUM in [0, 1), or rmsprop";

  /** Adam without L1: what every run before {@code --optimizer} trained with. */
  public static final OptimizerChoice ADAM = new OptimizerChoice(Rule.ADAM, 0, 0);

  /** Checks the momentum (SGD only, in [0, 1)) and the L1 coefficient (>= 0, finite). */
  public OptimizerChoice {
    if (rule == null) throw new IllegalArgumentException("no optimizer rule");
    if (rule == Rule.SGD ? !(momentum >= 0 && momentum < 1) : momentum != 0) {
      throw new IllegalArgumentException(rule == Rule.SGD ? "SGD momentum must be in [0, 1), got " + momentum
          : rule.text() + " takes no momentum");
    }
    if (!(l1 >= 0 && Double.isFinite(l1))) throw new IllegalArgumentException("L1 must be >= 0, got " + l1);
  }

  /** Adam, or AdamW when {@code decoupled}: what {@code --adamw} chose before {@code --optimizer}. */
  public static OptimizerChoice adam(boolean decoupled) {
    return decoupled ? new OptimizerChoice(Rule.ADAMW, 0, 0) : ADAM;
  }

  /**
   * {@code adam}, {@code adamw}, {@code sgd} (momentum 0), {@code sgd:MOMENTUM} or {@code rmsprop};
   * anything else throws {@link IllegalArgumentException} naming what is accepted.
   */
  public static OptimizerChoice parse(String text) {
    String[] parts = text.trim().toLowerCase(Locale.ROOT).split(":", -1);
    Rule rule = null;
    for (Rule r : Rule.values()) if (r.text().equals(parts[0])) rule = r;
    if (rule == null || parts.length > 2 || (parts.length == 2 && rule != Rule.SGD)) {
      throw new IllegalArgumentException("unknown optimizer '" + text + "': use " + ACCEPTED);
    }
    double momentum = 0;
    if (parts.length == 2) {
      try {
        momentum = Double.parseDouble(parts[1]);
      } catch (NumberFormatException e) {
        momentum = Double.NaN;
      }
      if (!(momentum >= 0 && momentum < 1)) {
        throw new IllegalArgumentException("SGD momentum must be in [0, 1), got '" + parts[1] + "'");
      }
    }
    return new OptimizerChoice(rule, momentum, 0);
  }

  /** This rule with L1 coefficient {@code l1}. */
  public OptimizerChoice withL1(double l1) {
    return new OptimizerChoice(rule, momentum, l1);
  }

  /** True for AdamW, whose weight decay is decoupled. */
  public boolean decoupled() {
    return rule == Rule.ADAMW;
  }

  /** The backend's hyper-parameters for step size {@code lr} and weight decay {@code weightDecay}. */
  public OptimizerParams hyper(double lr, double weightDecay) {
    return switch (rule) {
      case ADAM, ADAMW -> new AdamParams(lr, 0.9, 0.999, 1e-8, weightDecay, rule == Rule.ADAMW);
      case SGD -> new SgdParams(lr, momentum, weightDecay);
      case RMSPROP -> RmspropParams.pytorchDefaults(lr, weightDecay);
    };
  }
}
