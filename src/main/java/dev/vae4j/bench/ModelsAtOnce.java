package dev.vae4j.bench;

import dev.vae4j.Vae;
import dev.vae4j.backend.Backend;
import dev.vae4j.data.Dataset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.DoubleConsumer;

/**
 * Several models of one shape trained at once, one of two ways. {@link #run} ({@link #SIDE_BY_SIDE}):
 * each on a thread and a backend of its own (on the CPU, one confined to its share of the cores:
 * {@code CpuBackend.confined}), as {@code sweep --parallel} trains its trials: the aggregate rate
 * is what such a sweep gets from the machine. Each model warms up alone ({@link
 * Benchmark.Options#warmupSteps}, then until the JIT compiler is quiet), then all start their timed
 * steps together; the aggregate counts every model's samples over the wall time from that start
 * until the last one finishes. {@link #runStacked} ({@link #STACKED}): all in one {@link
 * dev.vae4j.train.StackedTrainingStep} per step on one backend ({@link StackedSteps}), the GPU's
 * batched path, warmed up and timed in rounds as {@link Benchmark#run} times one model.
 */
public final class ModelsAtOnce {
  /** {@link Result#mode} of {@link #run}: a backend and a thread per model. */
  public static final String SIDE_BY_SIDE = "side-by-side";
  /** {@link Result#mode} of {@link #runStacked}: one stacked step for all the models. */
  public static final String STACKED = "stacked";

  private ModelsAtOnce() {}

  /**
   * What was measured.
   *
   * @param backend the backends' name
   * @param backendDescription the first backend's one-line description
   * @param model e.g. {@code 784-400-20}
   * @param mode how they trained: {@link #SIDE_BY_SIDE} or {@link #STACKED}
   * @param batchSize rows per step of each model
   * @param steps timed steps of each model
   * @param samplesPerSecond each model's rate over its own timed steps, in model order (stacked:
   *     all equal, the stacked step's)
   * @param aggregateSamplesPerSecond every model's samples over the wall time they took together
   * @param msPerStep that wall time per step: milliseconds in which every model took one step
   *     (stacked: one stacked step)
   * @param machine what it ran on
   */
  public record Result(String backend, String backendDescription, String model, String mode, int batchSize, int steps,
      List<Double> samplesPerSecond, double aggregateSamplesPerSecond, double msPerStep, Machine machine) {
    /** How many models trained at once. */
    public int models() {
      return samplesPerSecond.size();
    }
  }

  /**
   * Trains {@code options.config()} on each of {@code backends} at once, model m seeded with {@code
   * options.seed() + m}; the backends stay open (the caller's).
   */
  public static Result run(List<Backend> backends, Dataset data, Benchmark.Options options) throws InterruptedException {
    int m = backends.size();
    if (m < 1) throw new IllegalArgumentException("no backends to train on");
    CyclicBarrier start = new CyclicBarrier(m + 1);
    ExecutorService pool = Executors.newFixedThreadPool(m, r -> {
      Thread t = new Thread(r, "vae4j-bench-model");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Double>> models = new ArrayList<>();
      for (int i = 0; i < m; i++) {
        Backend backend = backends.get(i);
        long seed = options.seed() + i;
        models.add(pool.submit(() -> {
          try {
            return trainOne(backend, data, options, seed, start);
          } catch (Throwable t) {
            start.reset(); // the others and the timer stop waiting for this model
            throw t;
          }
        }));
      }
      long begin;
      try {
        start.await();
        begin = System.nanoTime();
      } catch (BrokenBarrierException e) {
        begin = 0; // a model failed: its failure is rethrown below
      }
      List<Double> rates = new ArrayList<>();
      for (Future<Double> f : models) rates.add(get(f));
      double wall = (System.nanoTime() - begin) / 1e9;
      return new Result(backends.get(0).name(), backends.get(0).description(), options.config().describe(),
          SIDE_BY_SIDE, options.batchSize(), options.steps(), List.copyOf(rates),
          (double) m * options.batchSize() * options.steps() / wall, 1e3 * wall / options.steps(), Machine.current());
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Trains {@code models} models of {@code options.config()} together on {@code backend} (left
   * open), model m seeded {@code options.seed() + m}: {@link Benchmark.Options#warmupSteps} stacked
   * steps, then on until the JIT compiler is quiet (telling {@code warmupProgress} as {@link
   * Benchmark#run} does), then {@link Benchmark.Options#steps} timed steps in {@link
   * Benchmark.Options#rounds} rounds.
   *
   * @throws IllegalArgumentException for a model the stacked step does not take (see {@link StackedSteps})
   */
  public static Result runStacked(Backend backend, Dataset data, Benchmark.Options options, int models,
      DoubleConsumer warmupProgress) {
    int batch = options.batchSize();
    try (StackedSteps loop = new StackedSteps(backend, options.config(), data, models, batch, options.seed())) {
      loop.run(Math.max(1, options.warmupSteps()));
      Benchmark.warmUntilCompiled(loop, options.maxWarmupSeconds(), warmupProgress);
      warmupProgress.accept(options.maxWarmupSeconds());
      backend.synchronize();
      double seconds = 0;
      for (int r = 0; r < options.rounds(); r++) {
        seconds += loop.timed(options.stepsInRound(r));
      }
      double stepSeconds = seconds / options.steps(), each = batch / stepSeconds;
      return new Result(backend.name(), backend.description(), options.config().describe(), STACKED, batch,
          options.steps(), Collections.nCopies(models, each), models * each, 1e3 * stepSeconds, Machine.current());
    }
  }

  /** One model: its warm-up, the common start, its timed steps; returns its samples per second. */
  private static double trainOne(Backend backend, Dataset data, Benchmark.Options options, long seed, CyclicBarrier start)
      throws Exception {
    Vae vae = Vae.create(options.config(), backend, seed);
    try (Benchmark.TrainingSteps loop = new Benchmark.TrainingSteps(vae, data, options.batchSize(), seed)) {
      loop.run(Math.max(1, options.warmupSteps()));
      Benchmark.warmUntilCompiled(loop, options.maxWarmupSeconds(), s -> {});
      backend.synchronize();
      start.await();
      return options.batchSize() * options.steps() / loop.timed(options.steps());
    }
  }

  private static double get(Future<Double> f) throws InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof BrokenBarrierException) return Double.NaN; // another model's failure, rethrown by its own future
      if (e.getCause() instanceof RuntimeException r) throw r;
      if (e.getCause() instanceof Error r) throw r;
      throw new IllegalStateException(e.getCause());
    }
  }
}
