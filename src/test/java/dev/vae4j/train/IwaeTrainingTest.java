package dev.vae4j.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.Vae;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.data.Datasets;
import dev.vae4j.eval.Estimates;
import dev.vae4j.eval.LikelihoodEstimator;
import dev.vae4j.model.VaeConfig;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * What {@code --iwae-k} is for: a model trained on the IWAE-5 bound has at least as good a bound on
 * held-out images (the IWAE-K estimate of {@code vae4j eval}, K = 50) as the same model trained
 * on the ELBO for the same epochs, on the bundled digits.
 */
class IwaeTrainingTest {

  @Test
  void theIwaeTrainedModelHasTheBetterHeldOutBound() throws IOException {
    DatasetSplit digits = Datasets.bundledDigits();
    VaeConfig config = VaeConfig.mlp(784, new int[] {64}, 8, Likelihood.BERNOULLI);
    TrainOptions elbo = new TrainOptions(8, 64, 2e-3, 0, false, 1f, 0, 11, 0.1, false, 0);
    double[] nll = new double[2], negElbo = new double[2];
    try (Backend backend = new CpuBackend()) {
      int i = 0;
      for (TrainOptions options : new TrainOptions[] {elbo, elbo.withIwaeK(5)}) {
        Vae model = Vae.create(config, backend, 11);
        Trainer.fit(model, digits, options);
        Estimates.Summary s = LikelihoodEstimator.estimate(model, digits.test(), 50, 5).summary();
        nll[i] = s.negativeLogLikelihood();
        negElbo[i++] = s.negativeElbo();
      }
    }
    System.out.printf("digits, 784-64-8, 8 epochs: test IWAE-50 -log p(x): ELBO-trained %.3f, IWAE-5-trained %.3f;"
        + " test -ELBO %.3f, %.3f%n", nll[0], nll[1], negElbo[0], negElbo[1]);
    assertTrue(nll[1] <= nll[0], "IWAE-5-trained " + nll[1] + " against ELBO-trained " + nll[0]);
  }
}
