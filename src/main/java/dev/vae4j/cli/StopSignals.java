package dev.vae4j.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns SIGINT (Ctrl-C) and SIGTERM into a request that training polls between steps, so that it
 * stops at a step boundary with its checkpoints whole and says how to resume; a second signal
 * exits at once (code 130). Shutdown hooks cannot do this: they run once the JVM is already
 * exiting, beside every library's own hooks, with the exit code fixed. The handlers are {@code
 * sun.misc.Signal}'s (module jdk.unsupported), reached by reflection because javac flags every
 * direct use of it with a warning that cannot be suppressed; where it is missing, or a signal was
 * ignored when the JVM started (a shell's background job), that signal keeps its default.
 *
 * <p>Several trainings may run at once in one process ({@code sweep --parallel}): the handlers are
 * installed by the first open instance and restored when the last closes, and a signal reaches
 * every open instance, so that each trial stops at its own step boundary.
 */
final class StopSignals implements AutoCloseable {
  static final int EXIT_CODE = 130;
  private static final List<String> SIGNALS = List.of("INT", "TERM");
  /** The open instances, which a signal reaches; guarded by the class. */
  private static final Set<StopSignals> OPEN = new HashSet<>();
  /** Puts back the handlers found when the first instance opened; guarded by the class. */
  private static final List<Runnable> RESTORE = new ArrayList<>();

  private final AtomicBoolean requested = new AtomicBoolean();

  private StopSignals() {}

  /** Handles SIGINT and SIGTERM until {@link #close}. */
  static StopSignals install() {
    StopSignals signals = new StopSignals();
    synchronized (StopSignals.class) {
      if (OPEN.isEmpty()) installHandlers();
      OPEN.add(signals);
    }
    return signals;
  }

  private static void installHandlers() {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      Method handle = signal.getMethod("handle", signal, handlerType);
      Object handler = Proxy.newProxyInstance(StopSignals.class.getClassLoader(), new Class<?>[] {handlerType},
          handler());
      for (String name : SIGNALS) {
        Object s = signal.getConstructor(String.class).newInstance(name);
        try {
          Object previous = handle.invoke(null, s, handler);
          RESTORE.add(() -> invokeQuietly(handle, s, previous));
        } catch (java.lang.reflect.InvocationTargetException e) {
          // the JVM or the OS holds this signal: it keeps its default
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // no sun.misc.Signal in this runtime: Ctrl-C ends the JVM as it always does
    }
  }

  /** Whether a stop was asked for. */
  boolean requested() {
    return requested.get();
  }

  /** A stop for every open instance; the second signal (one already asked to stop) exits at once. Package-private for its test. */
  static synchronized void signalled() {
    boolean again = false;
    for (StopSignals s : OPEN) again |= !s.requested.compareAndSet(false, true);
    if (again) Runtime.getRuntime().halt(EXIT_CODE);
  }

  private static InvocationHandler handler() {
    return (proxy, method, args) -> {
      switch (method.getName()) {
        case "handle":
          signalled();
          return null;
        case "hashCode":
          return System.identityHashCode(proxy);
        case "equals":
          return proxy == args[0];
        default:
          return "vae4j stop handler";
      }
    };
  }

  private static void invokeQuietly(Method handle, Object signal, Object previous) {
    try {
      handle.invoke(null, signal, previous);
    } catch (ReflectiveOperationException e) {
      // restoring the default on the way out: nothing left to do about it
    }
  }

  @Override
  public void close() {
    synchronized (StopSignals.class) {
      if (OPEN.remove(this) && OPEN.isEmpty()) {
        RESTORE.forEach(Runnable::run);
        RESTORE.clear();
      }
    }
  }
}
