package dev.vae4j.bench;

import dev.vae4j.backend.Backend;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A backend whose op calls are timed, op by op, on whichever thread makes them (internal; {@code
 * bench --breakdown}). A proxy over the {@link Backend} interface, so that every op a step calls is
 * timed without a hand-written wrapper per op that would fall behind the interface. The calls that
 * only arrange others ({@code inParallel}, {@code recordStep}) and those that say what the backend
 * is pass through untimed: their time is their callees'. Host wall-clock time only means something
 * for a backend that runs each op before returning, i.e. the CPU backend.
 */
final class OpTimings implements InvocationHandler {
  private static final Set<String> ARRANGING = Set.of("inParallel", "recordStep", "batchParts", "name", "description",
      "synchronize", "close", "equals", "hashCode", "toString");

  private final Backend backend;
  private final Backend timed;
  private final Map<String, LongAdder> nanos = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
  /** Nanoseconds in timed ops per thread (by name): the batch parts' cores, each busy apart from its waits. */
  private final Map<String, LongAdder> threadNanos = new ConcurrentHashMap<>();

  private OpTimings(Backend backend) {
    this.backend = backend;
    this.timed = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, this);
  }

  /** Timings of the calls made through {@link #backend()}, which runs them on {@code backend}. */
  static OpTimings around(Backend backend) {
    return new OpTimings(backend);
  }

  /** The timed backend: the same backend, same tensors, every op call counted. */
  Backend backend() {
    return timed;
  }

  /** Forgets what was timed so far (the allocations and the warm-up). */
  void reset() {
    nanos.clear();
    calls.clear();
    threadNanos.clear();
  }

  /**
   * What was timed since the last {@link #reset}, per step and per batch part ({@code steps} steps of
   * {@code parts} parts each, the parts on cores of their own), slowest op first.
   */
  List<StepBreakdown.OpTime> perStep(int steps, int parts) {
    List<StepBreakdown.OpTime> ops = new ArrayList<>();
    for (Map.Entry<String, LongAdder> e : nanos.entrySet()) {
      ops.add(new StepBreakdown.OpTime(e.getKey(), calls.get(e.getKey()).sum() / (double) steps / parts,
          e.getValue().sum() / 1e6 / steps / parts));
    }
    ops.sort(Comparator.comparingDouble(StepBreakdown.OpTime::msPerStep).reversed());
    return ops;
  }

  /** Each thread's time in timed ops since the last {@link #reset}, ms per step, in the threads' name order. */
  List<StepBreakdown.ThreadTime> busyPerThread(int steps) {
    List<StepBreakdown.ThreadTime> threads = new ArrayList<>();
    threadNanos.forEach((name, ns) -> threads.add(new StepBreakdown.ThreadTime(name, ns.sum() / 1e6 / steps)));
    threads.sort(Comparator.comparing(StepBreakdown.ThreadTime::thread));
    return threads;
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (ARRANGING.contains(method.getName())) return call(method, args);
    long start = System.nanoTime();
    try {
      return call(method, args);
    } finally {
      long elapsed = System.nanoTime() - start;
      nanos.computeIfAbsent(method.getName(), k -> new LongAdder()).add(elapsed);
      calls.computeIfAbsent(method.getName(), k -> new LongAdder()).increment();
      threadNanos.computeIfAbsent(Thread.currentThread().getName(), k -> new LongAdder()).add(elapsed);
    }
  }

  private Object call(Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(backend, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
