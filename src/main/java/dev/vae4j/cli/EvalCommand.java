package dev.vae4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
        "importance-weighted (IWAE) estimate uses the same K draws per image."})
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
      Estimates.Summary m = LikelihoodEstimator.estimate(s.model(), data, k, seed).summary();
      double seconds = (System.nanoTime() - start) / 1e9;
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
        o.put("seconds", seconds);
        out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o));
      } else {
        out.printf(Locale.ROOT, "data          %s, %d images%n", data.name(), m.images());
        out.printf(Locale.ROOT, "draws         k = %d per image, seed %d (%.1f s on %s)%n", k, seed, seconds, s.backend().name());
        out.printf(Locale.ROOT, "-ELBO         %10.3f nats  = reconstruction %.3f + KL %.3f%n", m.negativeElbo(), m.reconstruction(), m.kl());
        out.printf(Locale.ROOT, "-log p(x)     %10.3f nats  (IWAE estimate, k = %d)%n", m.negativeLogLikelihood(), k);
      }
    }
    return 0;
  }
}
