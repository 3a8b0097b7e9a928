package dev.vae4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.data.Dataset;
import dev.vae4j.eval.Estimates;
import dev.vae4j.eval.LikelihoodEstimator;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vae4j eval}: negative ELBO and the IWAE estimate of -log p(x) on a dataset. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
    description = {"Prints the mean negative ELBO and IWAE estimate of -log p(x), in nats per image.",
        "The ELBO's reconstruction term is averaged over K draws of z ~ q(z|x) and its KL is exact; the",
        "importance-weighted (IWAE) estimate uses the same K draws per image. Both also in bits per dimension:",
        "(nats + D * c) / (D ln 2) for D values per image, c = 0 for the Bernoulli likelihood (its",
        "probabilities are masses) and c = ln 256 for the densities (continuous Bernoulli, Gaussians), as if",
        "the density at each 8-bit value were spread over a bin of width 1/256 (an approximation: the data",
        "are not dequantized)."})
final class EvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RunOptions runOptions;
  @Mixin DataOptions dataOptions;

  @Option(names = "--k", defaultValue = "1000", description = "Latent draws per image.")
  int k;

  @Option(names = "--seed", defaultValue = "1", description = "Seeds the latent draws.")
  long seed;

  @Option(names = "--json", description = "Print the figures as one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (k <= 0) throw new ParameterException(spec.commandLine(), "--k must be > 0, got " + k);
    PrintWriter out = spec.commandLine().getOut();
    try (RunOptions.Session s = runOptions.open(spec.commandLine().getErr())) {
      Dataset data = dataOptions.load(s.run());
      long start = System.nanoTime();
      Estimates.Summary m;
      try (ImageProgress progress = ImageProgress.start("eval, k = " + k, data.count())) {
        m = LikelihoodEstimator.estimate(s.model(), data, k, seed, progress).summary();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      Likelihood likelihood = s.model().config().likelihood();
      int d = s.model().config().inputSize();
      double c = likelihood.discretizationNatsPerValue();
      double elboBits = likelihood.bitsPerDimension(m.negativeElbo(), d);
      double iwaeBits = likelihood.bitsPerDimension(m.negativeLogLikelihood(), d);
      if (json) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("data", data.name());
        o.put("images", m.images());
        o.put("k", m.samples());
        o.put("seed", seed);
        o.put("units", "nats per image");
        o.put("negative_elbo", m.negativeElbo());
        o.put("reconstruction", m.reconstruction());
        o.put("kl", m.kl());
        o.put("negative_iwae", m.negativeLogLikelihood());
        o.put("likelihood", likelihood.cliName());
        o.put("dimensions", d);
        o.put("discretization_nats_per_dim", c);
        o.put("negative_elbo_bits_per_dim", elboBits);
        o.put("negative_iwae_bits_per_dim", iwaeBits);
        o.put("seconds", seconds);
        out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o));
      } else {
        out.printf(Locale.ROOT, "data          %s, %d images%n", data.name(), m.images());
        out.printf(Locale.ROOT, "draws         k = %d per image, seed %d (%.1f s on %s)%n", k, seed, seconds, s.backend().name());
        out.printf(Locale.ROOT, "-ELBO         %10.3f nats  = reconstruction %.3f + KL %.3f%n", m.negativeElbo(), m.reconstruction(), m.kl());
        out.printf(Locale.ROOT, "-log p(x)     %10.3f nats  (IWAE estimate, k = %d)%n", m.negativeLogLikelihood(), k);
        out.printf(Locale.ROOT, "bits/dim      %10.4f -ELBO, %.4f IWAE  (%s, D = %d, (nats + D * %.4f) / (D ln 2)%s)%n",
            elboBits, iwaeBits, likelihood.cliName(), d, c, c == 0 ? "" : ": density read as mass over 1/256-wide bins");
      }
    }
    return 0;
  }
}
