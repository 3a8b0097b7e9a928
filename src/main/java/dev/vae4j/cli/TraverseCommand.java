package dev.vae4j.cli;

import dev.vae4j.data.Dataset;
import dev.vae4j.eval.Encodings;
import dev.vae4j.plot.ImageGrid;
import dev.vae4j.run.Pictures;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vae4j traverse}: one latent dimension at a time, around one image's code. */
@Command(name = "traverse", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
    description = {"Decodes one image's latent code with each dimension moved in turn, as a PNG grid.",
        "The code is the image's latent mean; each grid row (labelled zD) moves dimension D from -RANGE to +RANGE",
        "around its value (columns labelled with the offset; the middle one is the code itself for odd --steps).",
        "Without --dims: the --top most active dimensions, those whose latent means vary most over the images."})
final class TraverseCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RunOptions runOptions;
  @Mixin DataOptions dataOptions;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The PNG to write.")
  Path out;

  @Option(names = "--index", defaultValue = "0", description = "The image whose code is traversed.")
  int index;

  @Option(names = "--dims", split = ",", paramLabel = "D[,D...]",
      description = "Latent dimensions, 0-based (default: the --top most active, by the variance of the latent means over the images).")
  int[] dims;

  @Option(names = "--top", defaultValue = "8", description = "How many of the most active dimensions to show without --dims.")
  int top;

  @Option(names = "--steps", defaultValue = "11", description = "Images per dimension.")
  int steps;

  @Option(names = "--range", defaultValue = "3", description = "Largest offset, in prior standard deviations.")
  double range;

  @Option(names = "--scale", defaultValue = "2", description = "Screen pixels per image pixel.")
  int scale;

  @Option(names = "--class", paramLabel = "CLASS",
      description = "A conditional model's class to decode as (its label or its name; default: the image's own).")
  String className;

  @Override
  public Integer call() throws Exception {
    if (steps < 2 || scale <= 0 || !(range > 0) || top <= 0) {
      throw new ParameterException(spec.commandLine(), "--steps must be >= 2, --range, --scale and --top > 0");
    }
    try (RunOptions.Session s = runOptions.open(spec.commandLine().getErr())) {
      Dataset data = dataOptions.load(s.run());
      if (index < 0 || index >= data.count()) {
        throw new IllegalArgumentException("--index " + index + " is not in [0, " + data.count() + ") of " + data.name());
      }
      Integer label = ClassOption.label(spec.commandLine(), className, s.model().config());
      Dataset image = data.subset(new int[] {index}, data.name());
      float[] code = Encodings.of(s.model(), image).mean(0);
      if (label == null && s.model().config().conditioning().conditional()) label = image.labels()[0]; // Encodings needed them
      int[] chosen = dims != null ? dims : mostActive(s, data);
      Pictures pictures = Pictures.of(data, s.model(), scale);
      ImageGrid.writePng(out, pictures.traversal(code, chosen, steps, range, label));
      spec.commandLine().getOut().printf("wrote the traversal of %d dimensions around image %d to %s%n", chosen.length, index, out);
    }
    return 0;
  }

  /** The --top most active dimensions over {@code data}, said on stderr with their variances. */
  private int[] mostActive(RunOptions.Session s, Dataset data) {
    Encodings all;
    try (ImageProgress progress = ImageProgress.start("encoding", data.count())) {
      all = Encodings.of(s.model(), data, progress);
    }
    int[] chosen = all.mostActive(Math.min(top, s.model().config().latent()));
    double[] variance = all.meanVariances();
    StringBuilder line = new StringBuilder("vae4j: the most active dimensions (variance of the latent means over "
        + data.count() + " images):");
    for (int d : chosen) line.append(String.format(java.util.Locale.ROOT, " z%d %.3f", d, variance[d]));
    spec.commandLine().getErr().println(line);
    return chosen;
  }
}
