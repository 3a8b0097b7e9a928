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

/** {@code vae4j interpolate}: decoded images along the line between two images' codes. */
@Command(name = "interpolate", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
    description = "Decodes evenly spaced points on the line between the latent means of two images, as one PNG row.")
final class InterpolateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RunOptions runOptions;
  @Mixin DataOptions dataOptions;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The PNG to write.")
  Path out;

  @Option(names = "--from", defaultValue = "0", description = "Index of the first image.")
  int from;

  @Option(names = "--to", defaultValue = "1", description = "Index of the second image.")
  int to;

  @Option(names = "--steps", defaultValue = "10", description = "Images along the line, both ends included.")
  int steps;

  @Option(names = "--scale", defaultValue = "2", description = "Screen pixels per image pixel.")
  int scale;

  @Option(names = "--class", paramLabel = "CLASS",
      description = "A conditional model's class to decode as (its label or its name; default: the first image's own).")
  String className;

  @Override
  public Integer call() throws Exception {
    if (steps < 2 || scale <= 0) throw new ParameterException(spec.commandLine(), "--steps must be >= 2 and --scale > 0");
    try (RunOptions.Session s = runOptions.open(spec.commandLine().getErr())) {
      Dataset data = dataOptions.load(s.run());
      for (int i : new int[] {from, to}) {
        if (i < 0 || i >= data.count()) throw new IllegalArgumentException("image index " + i + " is not in [0, " + data.count() + ") of " + data.name());
      }
      Dataset ends = data.subset(new int[] {from, to}, data.name());
      Encodings codes = Encodings.of(s.model(), ends);
      Integer label = ClassOption.label(spec.commandLine(), className, s.model().config());
      if (label == null && s.model().config().conditioning().conditional()) label = ends.labels()[0]; // Encodings needed them
      Pictures pictures = Pictures.of(data, s.model(), scale);
      ImageGrid.writePng(out, pictures.interpolation(codes.mean(0), codes.mean(1), steps, label));
      spec.commandLine().getOut().printf("wrote %d steps from image %d to image %d to %s%n", steps, from, to, out);
    }
    return 0;
  }
}
