package dev.vae4j.train;

import dev.vae4j.backend.Precision;

/**
 * How to train: the optimizer, the objective's KL weight, batching, validation and stopping.
 *
 * @param epochs passes over the training set
 * @param batchSize rows per step (the last batch of an epoch may be smaller)
 * @param learningRate the optimizer's step size
 * @param weightDecay weight decay coefficient (0: none)
 * @param decoupledWeightDecay AdamW (true) or the rule's L2 term (false)
 * @param beta weight of the KL term (1: the ELBO)
 * @param klWarmupEpochs epochs over which the KL weight rises linearly from 0 to beta (0: none)
 * @param seed seeds initialization, shuffling, the validation split and the noise
 * @param validationFraction fraction of the training set held out for validation when the
 *     dataset's test split is not used; in [0, 1)
 * @param validateOnTestSplit validate on the dataset's own test split instead of a held-out part
 * @param patience stop after this many epochs without a better validation loss and restore the
 *     best weights (0: never stop early)
 * @param optimizer the update rule and the L1 term ({@code --optimizer}, {@code --l1}); its rule is
 *     AdamW exactly when {@code decoupledWeightDecay}
 * @param schedule the learning rate per epoch and its warm-up ({@code --lr-schedule}, {@code --warmup-steps})
 * @param balance class-balanced sampling of each epoch's rows ({@code --balance}; {@link Balance#NONE}: every
 *     row once)
 * @param clipGradNorm clip the gradient's global L2 norm to this before each update, as PyTorch's
 *     {@code clip_grad_norm_} ({@code --clip-grad-norm}); 0: no clipping
 * @param dropout drop probability of inverted dropout on the MLP's hidden layers in training steps,
 *     in [0, 1) ({@code --dropout}; 0: none)
 * @param classWeights per-class weights of the training rows' losses ({@code --class-weights};
 *     {@link ClassWeights#NONE}: every row once)
 * @param precision what the GEMMs read ({@code --precision}; {@link Precision#FP32}: float32 throughout);
 *     the backend does the rounding, so it is made with this precision ({@code Backends.select(...,
 *     precision)}), and here it is what config.json records and a resume restores
 * @param iwaeK draws per row of the importance-weighted bound the training steps optimize instead
 *     of the ELBO ({@code --iwae-k}, Burda et al., 2016), in [1, {@value #MAX_IWAE_K}]; 1: the
 *     ordinary ELBO training (the analytic KL), not the one-draw bound
 */
public record TrainOptions(
    int epochs,
    int batchSize,
    double learningRate,
    double weightDecay,
    boolean decoupledWeightDecay,
    float beta,
    int klWarmupEpochs,
    long seed,
    double validationFraction,
    boolean validateOnTestSplit,
    int patience,
    OptimizerChoice optimizer,
    LearningRateSchedule schedule,
    Balance balance,
    double clipGradNorm,
    float dropout,
    ClassWeights classWeights,
    Precision precision,
    int iwaeK) {

  /** The most draws {@code --iwae-k} takes: a step's decoder runs on batch x K rows. */
  public static final int MAX_IWAE_K = 1024;

  /** Checks every option; a bad one throws {@link IllegalArgumentException} naming it. */
  public TrainOptions {
    require(epochs > 0, "epochs must be > 0, got " + epochs);
    require(batchSize > 0, "batch size must be > 0, got " + batchSize);
    require(learningRate > 0 && Double.isFinite(learningRate), "learning rate must be > 0, got " + learningRate);
    require(weightDecay >= 0 && Double.isFinite(weightDecay), "weight decay must be >= 0, got " + weightDecay);
    require(beta >= 0 && Float.isFinite(beta), "beta must be >= 0, got " + beta);
    require(klWarmupEpochs >= 0, "KL warm-up epochs must be >= 0, got " + klWarmupEpochs);
    require(validationFraction >= 0 && validationFraction < 1,
        "validation fraction must be in [0, 1), got " + validationFraction);
    require(patience >= 0, "patience must be >= 0, got " + patience);
    require(optimizer != null, "no optimizer");
    require(schedule != null, "no learning-rate schedule");
    require(decoupledWeightDecay == optimizer.decoupled(),
        "--adamw and --optimizer " + optimizer.rule().text() + " disagree");
    require(balance != null, "no balance");
    require(clipGradNorm >= 0 && Double.isFinite(clipGradNorm),
        "gradient clipping norm must be > 0 (0: off), got " + clipGradNorm);
    require(dropout >= 0 && dropout < 1, "--dropout must be in [0, 1) (0: off), got " + dropout);
    require(classWeights != null, "no class weights");
    require(precision != null, "no precision");
    require(iwaeK >= 1 && iwaeK <= MAX_IWAE_K, "--iwae-k must be in [1, " + MAX_IWAE_K + "] (1: off), got " + iwaeK);
    require(iwaeK == 1 || dropout == 0, "--iwae-k does not combine with --dropout");
    require(iwaeK == 1 || !classWeights.enabled(), "--iwae-k does not combine with --class-weights");
  }

  /** Options trained on the ELBO. */
  public TrainOptions(int epochs, int batchSize, double learningRate, double weightDecay, boolean decoupledWeightDecay,
      float beta, int klWarmupEpochs, long seed, double validationFraction, boolean validateOnTestSplit, int patience,
      OptimizerChoice optimizer, LearningRateSchedule schedule, Balance balance, double clipGradNorm, float dropout,
      ClassWeights classWeights, Precision precision) {
    this(epochs, batchSize, learningRate, weightDecay, decoupledWeightDecay, beta, klWarmupEpochs, seed,
        validationFraction, validateOnTestSplit, patience, optimizer, schedule, balance, clipGradNorm, dropout,
        classWeights, precision, 1);
  }

  /** Options without class weights, in FP32. */
  public TrainOptions(int epochs, int batchSize, double learningRate, double weightDecay, boolean decoupledWeightDecay,
      float beta, int klWarmupEpochs, long seed, double validationFraction, boolean validateOnTestSplit, int patience,
      OptimizerChoice optimizer, LearningRateSchedule schedule, Balance balance, double clipGradNorm, float dropout) {
    this(epochs, batchSize, learningRate, weightDecay, decoupledWeightDecay, beta, klWarmupEpochs, seed,
        validationFraction, validateOnTestSplit, patience, optimizer, schedule, balance, clipGradNorm, dropout,
        ClassWeights.NONE, Precision.FP32);
  }

  /** Options without dropout. */
  public TrainOptions(int epochs, int batchSize, double learningRate, double weightDecay, boolean decoupledWeightDecay,
      float beta, int klWarmupEpochs, long seed, double validationFraction, boolean validateOnTestSplit, int patience,
      OptimizerChoice optimizer, LearningRateSchedule schedule, Balance balance, double clipGradNorm) {
    this(epochs, batchSize, learningRate, weightDecay, decoupledWeightDecay, beta, klWarmupEpochs, seed,
        validationFraction, validateOnTestSplit, patience, optimizer, schedule, balance, clipGradNorm, 0f);
  }

  /** Options with {@code optimizer} and {@code schedule}, without class balancing or gradient clipping. */
  public TrainOptions(int epochs, int batchSize, double learningRate, double weightDecay, boolean decoupledWeightDecay,
      float beta, int klWarmupEpochs, long seed, double validationFraction, boolean validateOnTestSplit, int patience,
      OptimizerChoice optimizer, LearningRateSchedule schedule) {
    this(epochs, batchSize, learningRate, weightDecay, decoupledWeightDecay, beta, klWarmupEpochs, seed,
        validationFraction, validateOnTestSplit, patience, optimizer, schedule, Balance.NONE, 0);
  }

  /** Options of Adam, or AdamW when {@code decoupledWeightDecay}, without L1. */
  public TrainOptions(int epochs, int batchSize, double learningRate, double weightDecay, boolean decoupledWeightDecay,
      float beta, int klWarmupEpochs, long seed, double validationFraction, boolean validateOnTestSplit, int patience) {
    this(epochs, batchSize, learningRate, weightDecay, decoupledWeightDecay, beta, klWarmupEpochs, seed,
        validationFraction, validateOnTestSplit, patience, OptimizerChoice.adam(decoupledWeightDecay));
  }

  /** Options at one learning rate throughout. */
  public TrainOptions(int epochs, int batchSize, double learningRate, double weightDecay, boolean decoupledWeightDecay,
      float beta, int klWarmupEpochs, long seed, double validationFraction, boolean validateOnTestSplit, int patience,
      OptimizerChoice optimizer) {
    this(epochs, batchSize, learningRate, weightDecay, decoupledWeightDecay, beta, klWarmupEpochs, seed,
        validationFraction, validateOnTestSplit, patience, optimizer, LearningRateSchedule.CONSTANT);
  }

  /** The classic PyTorch example's recipe: 10 epochs, batch 128, Adam 1e-3, beta 1, 10% validation. */
  public static TrainOptions defaults() {
    return new TrainOptions(10, 128, 1e-3, 0, false, 1f, 0, 1L, 0.1, false, 0);
  }

  /** These options with {@code epochs} passes over the training set. */
  public TrainOptions withEpochs(int epochs) {
    return with(c -> c.epochs = epochs);
  }

  /** These options with {@code schedule}. */
  public TrainOptions withSchedule(LearningRateSchedule schedule) {
    return with(c -> c.schedule = schedule);
  }

  /** These options with gradient clipping to global norm {@code max} (0: none). */
  public TrainOptions withClipGradNorm(double max) {
    return with(c -> c.clipGradNorm = max);
  }

  /** These options with {@code optimizer} (AdamW's choice sets {@link #decoupledWeightDecay}). */
  public TrainOptions withOptimizer(OptimizerChoice optimizer) {
    return with(c -> {
      c.optimizer = optimizer;
      c.decoupledWeightDecay = optimizer.decoupled();
    });
  }

  /** These options with drop probability {@code dropout} (0: none). */
  public TrainOptions withDropout(float dropout) {
    return with(c -> c.dropout = dropout);
  }

  /** These options with the GEMMs reading {@code precision}. */
  public TrainOptions withPrecision(Precision precision) {
    return with(c -> c.precision = precision);
  }

  /** These options with {@code balance} as the epochs' sampling. */
  public TrainOptions withBalance(Balance balance) {
    return with(c -> c.balance = balance);
  }

  /** These options trained on the importance-weighted bound with {@code k} draws (1: the ELBO). */
  public TrainOptions withIwaeK(int k) {
    return with(c -> c.iwaeK = k);
  }

  /** These options with {@code classWeights} on the training rows' losses. */
  public TrainOptions withClassWeights(ClassWeights classWeights) {
    return with(c -> c.classWeights = classWeights);
  }

  /** These options with what {@code change} sets changed, checked again as new ones are. */
  private TrainOptions with(java.util.function.Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return c.build();
  }

  /**
   * Every component, changeable: the one place besides the record header that lists them all, so
   * that a new option is a component here and not one more copy of the whole argument list in each
   * {@code withX}.
   */
  private static final class Copy {
    int epochs, batchSize, klWarmupEpochs, patience, iwaeK;
    double learningRate, weightDecay, validationFraction, clipGradNorm;
    boolean decoupledWeightDecay, validateOnTestSplit;
    float beta, dropout;
    long seed;
    OptimizerChoice optimizer;
    LearningRateSchedule schedule;
    Balance balance;
    ClassWeights classWeights;
    Precision precision;

    Copy(TrainOptions o) {
      epochs = o.epochs;
      batchSize = o.batchSize;
      learningRate = o.learningRate;
      weightDecay = o.weightDecay;
      decoupledWeightDecay = o.decoupledWeightDecay;
      beta = o.beta;
      klWarmupEpochs = o.klWarmupEpochs;
      seed = o.seed;
      validationFraction = o.validationFraction;
      validateOnTestSplit = o.validateOnTestSplit;
      patience = o.patience;
      optimizer = o.optimizer;
      schedule = o.schedule;
      balance = o.balance;
      clipGradNorm = o.clipGradNorm;
      dropout = o.dropout;
      classWeights = o.classWeights;
      precision = o.precision;
      iwaeK = o.iwaeK;
    }

    TrainOptions build() {
      return new TrainOptions(epochs, batchSize, learningRate, weightDecay, decoupledWeightDecay, beta, klWarmupEpochs,
          seed, validationFraction, validateOnTestSplit, patience, optimizer, schedule, balance, clipGradNorm, dropout,
          classWeights, precision, iwaeK);
    }
  }

  /** The KL weight used during {@code epoch} (1-based), after warm-up. */
  public float betaAt(int epoch) {
    if (klWarmupEpochs == 0) return beta;
    return beta * Math.min(1f, (float) epoch / klWarmupEpochs);
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }
}
