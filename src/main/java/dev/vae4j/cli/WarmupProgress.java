package dev.vae4j.cli;

import java.util.function.DoubleConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * {@code bench}'s warm-up on a terminal: seconds spent of the most it may take until the JIT
 * compiler goes quiet. The bar (and its refresh thread) ends before the timed rounds begin, when
 * the benchmark reports the full warm-up time.
 */
final class WarmupProgress implements DoubleConsumer, AutoCloseable {
  private ProgressBar bar;
  private final long maxTenths;

  private WarmupProgress(ProgressBar bar, double maxSeconds) {
    this.bar = bar;
    this.maxTenths = Math.round(maxSeconds * 10);
  }

  static WarmupProgress start(double maxSeconds) {
    ProgressBar bar = System.console() == null || maxSeconds == 0 ? null
        : new ProgressBarBuilder().setTaskName("warm-up").setInitialMax(Math.round(maxSeconds * 10))
            .setStyle(ProgressBarStyle.ASCII).setUnit(" s", 10).build();
    return new WarmupProgress(bar, maxSeconds);
  }

  @Override
  public void accept(double seconds) {
    if (bar == null) return;
    long tenths = Math.round(seconds * 10);
    if (tenths >= maxTenths) {
      close();
    } else {
      bar.stepTo(tenths);
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
