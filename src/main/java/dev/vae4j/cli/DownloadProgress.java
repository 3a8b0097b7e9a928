package dev.vae4j.cli;

import dev.vae4j.data.Downloads;
import java.util.HashMap;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar per downloaded file (MB, MB/s, time left) on a terminal; nothing otherwise. */
final class DownloadProgress implements Downloads.Listener {
  private final Map<String, ProgressBar> bars = new HashMap<>();

  /** Sets the bars up for every download of this process, when it runs on a terminal. */
  static void install() {
    if (System.console() != null) Downloads.setListener(new DownloadProgress());
  }

  @Override
  public synchronized void progress(String file, long bytes, long total) {
    bars.computeIfAbsent(file, f -> new ProgressBarBuilder().setTaskName(f).setInitialMax(total)
        .setStyle(ProgressBarStyle.ASCII).setUnit(" MB", 1 << 20).showSpeed().build()).stepTo(bytes);
  }

  @Override
  public synchronized void finished(String file) {
    ProgressBar bar = bars.remove(file);
    if (bar != null) bar.close();
  }
}
