package dev.vae4j.cli;

import dev.vae4j.data.Dataset;
import dev.vae4j.plot.ImageGrid;
import dev.vae4j.run.Pictures;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vae4j plot-latent}: the latent means of a dataset as a labelled scatter plot. */
@Command(name = "plot-latent", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
    description = {"Plots the latent means of the images coloured by label, as a PNG.",
        "A 2-D latent space is drawn as is; a larger one is projected on its first two principal components."})
final class PlotLatentCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RunOptions runOptions;
  @Mixin DataOptions dataOptions;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The PNG to write.")
  Path out;

  @Option(names = "--title", description = "Chart title (default: names the run and the data).")
  String title;

  @Override
  public Integer call() throws Exception {
    try (RunOptions.Session s = runOptions.open(spec.commandLine().getErr())) {
      Dataset data = dataOptions.load(s.run());
      Pictures pictures = Pictures.of(data, s.model(), 1);
      String heading = title != null ? title : "Latent means of " + Pictures.titleName(data.name()) + " (" + s.model().config().describe() + ")";
      ImageGrid.writePng(out, pictures.latentScatter(data, heading));
      spec.commandLine().getOut().printf("wrote the latent plot of %d images to %s%n", data.count(), out);
    }
    return 0;
  }
}
