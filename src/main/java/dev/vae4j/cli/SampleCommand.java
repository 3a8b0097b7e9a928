package dev.vae4j.cli;

import dev.vae4j.plot.ImageGrid;
import dev.vae4j.run.GeneratedDataset;
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

/** {@code vae4j sample}: decoded draws from the prior as a PNG grid, or as a dataset that {@code train --data} reads. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
    description = "Decodes draws z ~ N(0, I) and writes them as a PNG grid (--out; a conditional model's: of --class, or a row per class), or as a dataset (--as-dataset).")
final class SampleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RunOptions runOptions;

  @Option(names = "--out", paramLabel = "FILE", description = "The PNG to write.")
  Path out;

  @Option(names = "--as-dataset", paramLabel = "DIR",
      description = "Write the --count images as a dataset that train --data DIR reads instead of a grid: 8-bit pixels, labels 0 (an unconditional model's), written into DIR.partial and renamed to DIR at the end.")
  Path asDataset;

  @Option(names = "--format", defaultValue = "idx", paramLabel = "idx|folder",
      description = "--as-dataset's layout: idx (the four standard IDX files, t10k the last tenth of the draws; colour as [N, 3, H, W]) or folder (one PNG per image in DIR/<label>/, torchvision's ImageFolder layout).")
  String format;

  @Option(names = "--overwrite", description = "Replace a non-empty --as-dataset DIR (it is renamed to DIR.replaced-DATE, not deleted).")
  boolean overwrite;

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
    if ((out == null) == (asDataset == null)) {
      throw new ParameterException(spec.commandLine(), "give either --out FILE (a PNG grid) or --as-dataset DIR (a dataset), not "
          + (out == null ? "neither" : "both"));
    }
    if (asDataset != null) return writeDataset();
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

  /** --as-dataset: the images as IDX files or an image folder, all options checked before any work. */
  private int writeDataset() throws Exception {
    GeneratedDataset.Format layout;
    try {
      layout = GeneratedDataset.Format.parse(format);
      GeneratedDataset.checkTarget(asDataset, overwrite);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    GeneratedDataset.Written written;
    try (RunOptions.Session s = runOptions.open(spec.commandLine().getErr())) {
      MemoryLimits.checkImages(spec.commandLine(), s.model().config(), Math.min(count, 4096), 0, "--count " + count);
      GeneratedDataset dataset = new GeneratedDataset(s.model(), s.run().imageChannels(), s.run().imageHeight(),
          s.run().imageWidth());
      try {
        written = dataset.write(asDataset, layout, count, seed, mode.binary, overwrite);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    if (written.replaced() != null) {
      spec.commandLine().getErr().printf("vae4j: moved the old %s to %s%n", asDataset, written.replaced());
    }
    spec.commandLine().getOut().printf("wrote %d samples to %s (%s: %d training, %d test images)%n", count, asDataset,
        format, written.train(), written.test());
    return 0;
  }
}
