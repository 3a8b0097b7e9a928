package dev.vae4j.cli;

import dev.vae4j.data.Dataset;
import dev.vae4j.plot.ImageGrid;
import dev.vae4j.run.Pictures;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vae4j reconstruct}: images above their reconstructions. */
@Command(name = "reconstruct", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
    description = "Writes chosen or random images above their reconstructions (pixel means through a sampled z) as a PNG.")
final class ReconstructCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RunOptions runOptions;
  @Mixin DataOptions dataOptions;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The PNG to write.")
  Path out;

  @Option(names = "--indices", split = ",", paramLabel = "I[,I...]", description = "Image indices (default: --count random ones).")
  int[] indices;

  @Option(names = "--count", defaultValue = "16", description = "Random images to show when --indices is not given.")
  int count;

  @Option(names = "--cols", defaultValue = "8", description = "Images per grid row.")
  int cols;

  @Option(names = "--scale", defaultValue = "2", description = "Screen pixels per image pixel.")
  int scale;

  @Option(names = "--seed", defaultValue = "1", description = "Seeds the choice of images and the latent draws.")
  long seed;

  @Override
  public Integer call() throws Exception {
    if (count <= 0 || cols <= 0 || scale <= 0) {
      throw new ParameterException(spec.commandLine(), "--count, --cols and --scale must be > 0");
    }
    try (RunOptions.Session s = runOptions.open(spec.commandLine().getErr())) {
      Dataset data = dataOptions.load(s.run());
      int[] chosen = indices != null ? indices : random(data.count(), Math.min(count, data.count()), seed);
      Pictures pictures = Pictures.of(data, s.model(), scale);
      ImageGrid.writePng(out, pictures.reconstructions(data, chosen, cols, seed));
      spec.commandLine().getOut().printf("wrote %d images and their reconstructions to %s%n", chosen.length, out);
    }
    return 0;
  }

  /** {@code k} distinct indices in [0, n), in increasing order (a partial Fisher-Yates shuffle). */
  private static int[] random(int n, int k, long seed) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) all[i] = i;
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < k; i++) {
      int j = i + random.nextInt(n - i);
      int t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    int[] out = java.util.Arrays.copyOf(all, k);
    java.util.Arrays.sort(out);
    return out;
  }
}
