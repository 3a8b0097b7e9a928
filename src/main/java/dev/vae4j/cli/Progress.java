package dev.vae4j.cli;

import dev.vae4j.Vae;
import dev.vae4j.run.RunDirectory;
import dev.vae4j.train.EpochMetrics;
import dev.vae4j.train.TrainingListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Reports training progress: a live progress bar per epoch on an interactive terminal, one plain
 * line per epoch otherwise (logs, CI); and records each epoch's metrics in the run folder.
 */
final class Progress implements TrainingListener {
  private final PrintWriter err;
  private final RunDirectory run;
  private final boolean interactive;
  private ProgressBar bar;

  private Progress(PrintWriter err, RunDirectory run, boolean interactive) {
    this.err = err;
    this.run = run;
    this.interactive = interactive;
  }

  static Progress forTerminal(PrintWriter err, RunDirectory run) {
    return new Progress(err, run, System.console() != null);
  }

  /** Progress without a bar, for a run that trains beside others (sweep --parallel), whose bars would overwrite each other. */
  static Progress withoutBar(PrintWriter err, RunDirectory run) {
    return new Progress(err, run, false);
  }

  @Override
  public void epochStarted(int epoch, int steps) {
    if (interactive) {
      bar = new ProgressBarBuilder().setTaskName("epoch " + epoch).setInitialMax(steps)
          .setStyle(ProgressBarStyle.ASCII).setUnit(" steps", 1).showSpeed().build();
    }
  }

  /** Ends the epoch's bar, if one is showing (an interrupted epoch has no end). */
  void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }

  @Override
  public void stepFinished(int epoch, int step) {
    if (bar != null) bar.stepTo(step);
  }

  @Override
  public void epochFinished(EpochMetrics m, Vae model) {
    close();
    String val = Double.isNaN(m.valLoss()) ? "no validation set"
        : String.format(Locale.ROOT, "val %.2f (recon %.2f + kl %.2f)", m.valLoss(), m.valRecon(), m.valKl());
    String iwae = m.trainIwae() == null ? "" : String.format(Locale.ROOT, "  iwae %.2f", m.trainIwae());
    err.printf(Locale.ROOT, "epoch %3d  train %.2f (recon %.2f + kl %.2f)%s  %s  %.1fs  %.0f samples/s%s%n",
        m.epoch(), m.trainLoss(), m.trainRecon(), m.trainKl(), iwae, val, m.seconds(), m.samplesPerSecond(),
        m.best() ? "  *" : "");
    err.flush();
    try {
      run.appendMetrics(m);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
