package dev.vae4j.cli;

import dev.vae4j.data.ClassNames;
import dev.vae4j.data.Dataset;
import dev.vae4j.eval.CsvTables;
import dev.vae4j.eval.Encodings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vae4j encode}: latent means and log-variances to CSV. */
@Command(name = "encode", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
    description = {"Writes the encoder's mean and log-variance of every image as CSV.",
        "Columns index[,label],mu_0..mu_{L-1},logvar_0..logvar_{L-1}[,label_name]; one row per image, in file order;",
        "label_name where the data names its classes (Fashion-MNIST, an image folder's class folders, a classes.txt)."})
final class EncodeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RunOptions runOptions;
  @Mixin DataOptions dataOptions;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The CSV to write.")
  Path out;

  @Override
  public Integer call() throws Exception {
    try (RunOptions.Session s = runOptions.open(spec.commandLine().getErr())) {
      Dataset data = dataOptions.load(s.run());
      Encodings codes;
      try (ImageProgress progress = ImageProgress.start("encoding", data.count())) {
        codes = Encodings.of(s.model(), data, progress);
      }
      CsvTables.writeEncodings(out, codes, data.labels(), ClassNames.shown(data.classNames()));
      spec.commandLine().getOut().printf("wrote the %d-D codes of %d images to %s%n", codes.latent(), codes.count(), out);
    }
    return 0;
  }
}
