package dev.vae4j.cli;

import dev.vae4j.data.ImageFolders;
import java.util.function.LongConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar over images for the commands that can run for a while (eval, score,
 * anomaly-eval, encode) and the decoding of an image folder: images done, images/s and the time left, on stderr when the command runs
 * on a terminal; nothing at all otherwise (logs, pipes, CI).
 */
final class ImageProgress implements LongConsumer, AutoCloseable, ImageFolders.Progress {
  private final ProgressBar bar;

  private ImageProgress(ProgressBar bar) {
    this.bar = bar;
  }

  /** A bar named {@code task} over {@code images}, shown only on a terminal. */
  static ImageProgress start(String task, long images) {
    if (System.console() == null) return new ImageProgress(null);
    return new ImageProgress(new ProgressBarBuilder().setTaskName(task).setInitialMax(images)
        .setStyle(ProgressBarStyle.ASCII).setUnit(" images", 1).showSpeed().build());
  }

  @Override
  public void accept(long imagesDone) {
    if (bar != null) bar.stepTo(imagesDone);
  }

  @Override
  public void close() {
    if (bar != null) bar.close();
  }
}
