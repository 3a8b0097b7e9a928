package dev.vae4j.train;

import java.util.List;
import java.util.Locale;

/**
 * {@code --lr-schedule} and {@code --warmup-steps}: the learning rate of each epoch, as PyTorch 1.13's
 * schedulers stepped once per epoch, times a linear warm-up over the first steps.
 *
 * <ul>
 *   <li>{@code constant}: the base rate;
 *   <li>{@code cosine}: {@code CosineAnnealingLR(T_max = epochs, eta_min = 0)}, {@code lr * (1 +
 *       cos(pi * (e - 1) / epochs)) / 2} in epoch e (1-based);
 *   <li>{@code step:N:GAMMA}: {@code StepLR(step_size = N, gamma)}, {@code lr * GAMMA^floor((e - 1) / N)};
 *   <li>{@code plateau:PATIENCE:FACTOR}: {@code ReduceLROnPlateau(mode = min, factor, patience,
 *       threshold = 1e-4 relative, cooldown 0, min_lr 0, eps 1e-8)} on the monitored loss (the
 *       validation loss, else the training loss) of the epochs before.
 * </ul>
 *
 * Every rate is a function of the epoch and the losses of the epochs before it, which a resumed
 * run's history holds, so a resume needs no state of its own. Warm-up multiplies the rate of step s
 * (1-based over the run) by {@code min(1, s / warmupSteps)}, as {@code LambdaLR} with that lambda.
 *
 * @param kind which schedule
 * @param every {@code step}: epochs between decays; {@code plateau}: the patience (epochs); else 0
 * @param factor {@code step}: gamma; {@code plateau}: the factor; else 1
 * @param warmupSteps steps of linear warm-up (0: none)
 */
public record LearningRateSchedule(Kind kind, int every, double factor, long warmupSteps) {
  /** The schedules. */
  public enum Kind { CONSTANT, COSINE, STEP, PLATEAU }

  /** A constant rate, no warm-up: what a run without the options gets. */
  public static final LearningRateSchedule CONSTANT = new LearningRateSchedule(Kind.CONSTANT, 0, 1, 0);

  private static final double PLATEAU_THRESHOLD = 1e-4, PLATEAU_EPS = 1e-8;
  private static final String FORMS = "constant, cosine, step:EPOCHS:GAMMA or plateau:PATIENCE:FACTOR";

  public LearningRateSchedule {
    if (kind == null) throw new IllegalArgumentException("no schedule");
    if (warmupSteps < 0) throw new IllegalArgumentException("--warmup-steps must be >= 0, got " + warmupSteps);
    switch (kind) {
      case CONSTANT, COSINE -> {
        if (every != 0 || factor != 1) throw new IllegalArgumentException(name(kind) + " takes no parameters");
      }
      case STEP -> {
        if (every < 1) throw new IllegalArgumentException("--lr-schedule step:EPOCHS:GAMMA needs EPOCHS >= 1, got " + every);
        if (!(factor > 0 && factor <= 1)) throw new IllegalArgumentException("--lr-schedule step:EPOCHS:GAMMA needs GAMMA in (0, 1], got " + factor);
      }
      case PLATEAU -> {
        if (every < 0) throw new IllegalArgumentException("--lr-schedule plateau:PATIENCE:FACTOR needs PATIENCE >= 0, got " + every);
        if (!(factor > 0 && factor < 1)) throw new IllegalArgumentException("--lr-schedule plateau:PATIENCE:FACTOR needs FACTOR in (0, 1), got " + factor);
      }
    }
  }

  /** {@code --lr-schedule TEXT} with {@code --warmup-steps}; a text that does not parse names the accepted forms. */
  public static LearningRateSchedule parse(String text, long warmupSteps) {
    String[] p = text.trim().toLowerCase(Locale.ROOT).split(":", -1);
    try {
      return switch (p[0]) {
        case "constant", "cosine" -> {
          if (p.length != 1) throw unparsed(text);
          yield new LearningRateSchedule(p[0].equals("cosine") ? Kind.COSINE : Kind.CONSTANT, 0, 1, warmupSteps);
        }
        case "step", "plateau" -> {
          if (p.length != 3) throw unparsed(text);
          yield new LearningRateSchedule(p[0].equals("step") ? Kind.STEP : Kind.PLATEAU, Integer.parseInt(p[1]),
              Double.parseDouble(p[2]), warmupSteps);
        }
        default -> throw unparsed(text);
      };
    } catch (NumberFormatException e) {
      throw unparsed(text);
    }
  }

  private static IllegalArgumentException unparsed(String text) {
    return new IllegalArgumentException("--lr-schedule must be " + FORMS + ", got '" + text + "'");
  }

  /** The schedule as {@code --lr-schedule} writes it ({@code step:3:0.5}). */
  public String text() {
    return switch (kind) {
      case CONSTANT, COSINE -> name(kind);
      case STEP, PLATEAU -> name(kind) + ":" + every + ":" + trim(factor);
    };
  }

  /** Whether every step runs at the base rate. */
  public boolean isConstant() {
    return kind == Kind.CONSTANT && warmupSteps == 0;
  }

  /**
   * The rate of {@code epoch} (1-based) of {@code epochs} for base rate {@code lr}, before warm-up;
   * {@code monitored} holds the monitored loss of each epoch before it (plateau reads it).
   */
  public double rateOfEpoch(int epoch, int epochs, double lr, List<Double> monitored) {
    return switch (kind) {
      case CONSTANT -> lr;
      case COSINE -> lr * (1 + Math.cos(Math.PI * (epoch - 1) / epochs)) / 2;
      case STEP -> lr * Math.pow(factor, (epoch - 1) / every);
      case PLATEAU -> plateau(lr, monitored.subList(0, Math.min(epoch - 1, monitored.size())));
    };
  }

  /** The warm-up's factor for step {@code step} (1-based over the run). */
  public double warmupFactor(long step) {
    return warmupSteps == 0 || step >= warmupSteps ? 1 : (double) step / warmupSteps;
  }

  /** ReduceLROnPlateau replayed over the losses: the rate after them. */
  private double plateau(double lr, List<Double> losses) {
    double best = Double.POSITIVE_INFINITY, rate = lr;
    int bad = 0;
    for (double loss : losses) {
      if (loss < best * (1 - PLATEAU_THRESHOLD)) { // PyTorch's relative threshold in min mode, whatever the sign
        best = loss;
        bad = 0;
      } else {
        bad++;
      }
      if (bad > every) {
        double reduced = rate * factor;
        if (rate - reduced > PLATEAU_EPS) rate = reduced;
        bad = 0;
      }
    }
    return rate;
  }

  private static String name(Kind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  private static String trim(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
