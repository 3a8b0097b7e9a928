package dev.vae4j.cli;

import dev.vae4j.plot.ImageGrid;
import dev.vae4j.run.Pictures;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vae4j sample}: decoded draws from the prior as a PNG grid. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
    description = "Decodes draws z ~ N(0, I) and writes them as a PNG grid (a conditional model's: of --class, or a row per class).")
final class SampleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RunOptions runOptions;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The PNG to write.")
  Path out;

  @Option(names = {"--count", "--size"}, defaultValue = "64", description = "Number of samples.")
  int count;

  @Option(names = "--rows", defaultValue = "8", description = "Grid rows (columns follow from the count).")
  int rows;

  @Option(names = "--cols", paramLabel = "N", description = "Images per grid row instead, as reconstruct's --cols (rows follow from the count).")
  Integer cols;

  @Option(names = "--scale", defaultValue = "2", description = "Screen pixels per image pixel.")
  int scale;

  @Option(names = "--seed", defaultValue = "1", description = "Seeds the latent draws (and the pixel draws of --binary).")
  long seed;

  @Option(names = "--class", paramLabel = "CLASS",
      description = "A conditional model's class to draw (its label or its name); without it such a model's picture has one labelled row per class.")
  String className;

  @ArgGroup(exclusive = true)
  PixelMode mode = new PixelMode();

  static final class PixelMode {
    @Option(names = "--mean", description = "Show the decoder's pixel means (the default).")
    boolean mean;

    @Option(names = "--binary", description = "Draw each pixel from its Bernoulli distribution.")
    boolean binary;
  }

  @Override
  public Integer call() throws Exception {
    if (count <= 0) throw new ParameterException(spec.commandLine(), "--count must be > 0, got " + count);
    if (rows <= 0) throw new ParameterException(spec.commandLine(), "--rows must be > 0, got " + rows);
    if (cols != null && cols <= 0) throw new ParameterException(spec.commandLine(), "--cols must be > 0, got " + cols);
    if (scale <= 0) throw new ParameterException(spec.commandLine(), "--scale must be > 0, got " + scale);
    try (RunOptions.Session s = runOptions.open(spec.commandLine().getErr())) {
      long pixels = (long) s.run().imageHeight() * s.run().imageWidth() * scale * scale;
      MemoryLimits.checkImages(spec.commandLine(), s.model().config(), count, 4 * pixels, "--count " + count + " --scale " + scale);
      Pictures pictures = Pictures.of(s.run(), s.model(), scale);
      int perRow = cols != null ? cols : (count + rows - 1) / rows;
      Integer label = ClassOption.label(spec.commandLine(), className, s.model().config());
      ImageGrid.writePng(out, label == null ? pictures.samples(count, perRow, seed, mode.binary)
          : pictures.samples(count, perRow, seed, mode.binary, label));
    }
    spec.commandLine().getOut().printf("wrote %d samples to %s%n", count, out);
    return 0;
  }
}
