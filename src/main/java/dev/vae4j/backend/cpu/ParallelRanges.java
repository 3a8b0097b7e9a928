package dev.vae4j.backend.cpu;

import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Splits a loop over [0, n) into one contiguous chunk per thread: the calling thread runs the
 * first chunk, long-lived helper threads the rest. Unlike a fork/join pool it allocates nothing
 * per call, and helpers spin briefly before parking because a training step issues its loops a
 * few tens of microseconds apart. Loops too small to repay the hand-off run on the caller alone,
 * and so does every loop issued inside a part of {@link #forParts}: a part has its thread to itself.
 */
final class ParallelRanges implements AutoCloseable {
  /** Work below this many elements per thread runs on the calling thread. */
  static final int MIN_ELEMENTS_PER_THREAD = 16_384;

  private static final int SPINS_BEFORE_PARK = 20_000;

  /** The body of a loop over [from, to). */
  @FunctionalInterface
  interface RangeBody {
    void run(int from, int to);
  }

  /** Whether the current thread is running a part of {@link #forParts} (of any instance). */
  private static final ThreadLocal<Boolean> IN_PART = ThreadLocal.withInitial(() -> false);

  private final Helper[] helpers;

  ParallelRanges(int threads) {
    helpers = new Helper[threads - 1];
    for (int i = 0; i < helpers.length; i++) helpers[i] = new Helper("vae4j-cpu-" + (i + 1));
  }

  /** The calling thread plus the helpers. */
  int threads() {
    return helpers.length + 1;
  }

  /** Runs {@code body} over [0, n) split across threads, in chunks of at least the minimum size. */
  void forRange(int n, RangeBody body) {
    forChunks(n, Math.max(1, n / MIN_ELEMENTS_PER_THREAD), body);
  }

  /** Runs {@code body} over rows [0, rows) of a {@code [rows, cols]} matrix, split by work size. */
  void forRows(int rows, int cols, RangeBody body) {
    long work = (long) rows * cols;
    forChunks(rows, (int) Math.min(rows, Math.max(1, work / MIN_ELEMENTS_PER_THREAD)), body);
  }

  /**
   * Runs {@code part.accept(p)} for p in [0, parts), each on a thread of its own when {@code parts
   * <= threads()} (the caller runs part 0), else in {@code threads()} contiguous runs of parts, each
   * run's parts one after another on its thread (a backend confined to fewer cores than it has
   * parts, {@link CpuBackend#confined}); {@code enter} and {@code exit} run on each thread around
   * its parts. Loops issued inside a part run on its thread alone, and so do parts issued inside a
   * part, without {@code enter} and {@code exit} again (whose {@code exit} would undo the enclosing
   * part's {@code enter}).
   */
  void forParts(int parts, IntConsumer part, Runnable enter, Runnable exit) {
    if (IN_PART.get()) { // nested: the enclosing part already has its thread set up, and keeps it
      for (int p = 0; p < parts; p++) part.accept(p);
      return;
    }
    forChunks(parts, parts, (from, to) -> {
      IN_PART.set(true);
      enter.run();
      try {
        for (int p = from; p < to; p++) part.accept(p);
      } finally {
        exit.run();
        IN_PART.set(false);
      }
    });
  }

  /** Runs {@code body} over [0, n) in at most {@code wantedParts} chunks, one per thread. */
  void forChunks(int n, int wantedParts, RangeBody body) {
    int parts = Math.min(helpers.length + 1, wantedParts);
    if (parts <= 1 || IN_PART.get()) {
      body.run(0, n);
      return;
    }
    int chunk = (n + parts - 1) / parts;
    for (int p = 1; p < parts; p++) {
      helpers[p - 1].submit(body, Math.min(n, p * chunk), Math.min(n, (p + 1) * chunk));
    }
    Throwable failure = null;
    try {
      body.run(0, chunk);
    } catch (Throwable t) {
      failure = t;
    }
    for (int p = 1; p < parts; p++) {
      Throwable t = helpers[p - 1].await();
      if (failure == null) failure = t;
    }
    if (failure instanceof RuntimeException e) throw e;
    if (failure instanceof Error e) throw e;
    if (failure != null) throw new IllegalStateException(failure);
  }

  @Override
  public void close() {
    for (Helper h : helpers) h.stop();
  }

  private static final class Helper implements Runnable {
    private final Thread thread;
    private volatile RangeBody job;
    private volatile boolean busy;
    private volatile boolean stopped;
    private int from;
    private int to;
    private Throwable failure;

    Helper(String name) {
      thread = new Thread(this, name);
      thread.setDaemon(true);
      thread.start();
    }

    void submit(RangeBody body, int from, int to) {
      this.from = from;
      this.to = to;
      this.failure = null;
      busy = true;
      job = body; // volatile write publishes from, to and failure
      LockSupport.unpark(thread);
    }

    Throwable await() {
      int spins = 0;
      while (busy) {
        if (++spins < SPINS_BEFORE_PARK) Thread.onSpinWait();
        else Thread.yield();
      }
      return failure;
    }

    void stop() {
      stopped = true;
      LockSupport.unpark(thread);
    }

    @Override
    public void run() {
      while (true) {
        RangeBody body;
        int spins = 0;
        while ((body = job) == null) {
          if (stopped) return;
          if (++spins < SPINS_BEFORE_PARK) Thread.onSpinWait();
          else LockSupport.park(this);
        }
        try {
          body.run(from, to);
        } catch (Throwable t) {
          failure = t;
        }
        job = null;
        busy = false; // volatile write publishes failure
      }
    }
  }
}
