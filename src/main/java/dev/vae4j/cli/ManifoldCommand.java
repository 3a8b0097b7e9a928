package dev.vae4j.cli;

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

/** {@code vae4j manifold}: a 2-D latent space decoded over a grid at normal quantiles. */
@Command(name = "manifold", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
    description = {"Decodes a SIDE x SIDE grid of points of a 2-D latent space, as a PNG.",
        "The points lie at standard-normal quantiles Phi^-1((i + 0.5) / SIDE), z1 left to right, z2 bottom to top.",
        "Needs a model with --latent 2; see 'traverse' for larger latents."})
final class ManifoldCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RunOptions runOptions;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The PNG to write.")
  Path out;

  @Option(names = "--side", defaultValue = "20", description = "Grid points per axis.")
  int side;

  @Option(names = "--scale", defaultValue = "1", description = "Screen pixels per image pixel.")
  int scale;

  @Option(names = "--class", paramLabel = "CLASS",
      description = "A conditional model's class to decode as (its label or its name; required for such a model).")
  String className;

  @Override
  public Integer call() throws Exception {
    if (side < 2 || scale <= 0) throw new ParameterException(spec.commandLine(), "--side must be >= 2 and --scale > 0");
    try (RunOptions.Session s = runOptions.open(spec.commandLine().getErr())) {
      Pictures pictures = Pictures.of(s.run(), s.model(), scale);
      Integer label = ClassOption.label(spec.commandLine(), className, s.model().config());
      if (label == null && s.model().config().conditioning().conditional()) {
        throw new ParameterException(spec.commandLine(), "a conditional model's manifold is of one class: give --class");
      }
      ImageGrid.writePng(out, pictures.manifold(side, label));
    }
    spec.commandLine().getOut().printf("wrote the %dx%d manifold to %s%n", side, side, out);
    return 0;
  }
}
