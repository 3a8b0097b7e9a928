package dev.vae4j.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns SIGINT (Ctrl-C) and SIGTERM into a request that training polls between steps, so that it
 * stops at a step boundary with its checkpoints whole and says how to resume; a second signal
 * exits at once (code 130). Shutdown hooks cannot do this: they run once the JVM is already
 * exiting, beside every library's own hooks, with the exit code fixed. The handlers are {@code
 * sun.misc.Signal}'s (module jdk.unsupported), reached by reflection because javac flags every
 * direct use of it with a warning that cannot be suppressed; where it is missing, or a signal was
 * ignored when the JVM started (a shell's background job), that signal keeps its default.
 */
final class StopSignals implements AutoCloseable {
  static final int EXIT_CODE = 130;
  private static final List<String> SIGNALS = List.of("INT", "TERM");

  private final AtomicBoolean requested = new AtomicBoolean();
  private final List<Runnable> restore = new ArrayList<>();

  private StopSignals() {}

  /** Handles SIGINT and SIGTERM until {@link #close}. */
  static StopSignals install() {
    StopSignals signals = new StopSignals();
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      Method handle = signal.getMethod("handle", signal, handlerType);
      Object handler = Proxy.newProxyInstance(StopSignals.class.getClassLoader(), new Class<?>[] {handlerType},
          signals.handler());
      for (String name : SIGNALS) {
        Object s = signal.getConstructor(String.class).newInstance(name);
        try {
          Object previous = handle.invoke(null, s, handler);
          signals.restore.add(() -> invokeQuietly(handle, s, previous));
        } catch (java.lang.reflect.InvocationTargetException e) {
          // the JVM or the OS holds this signal: it keeps its default
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // no sun.misc.Signal in this runtime: Ctrl-C ends the JVM as it always does
    }
    return signals;
  }

  /** Whether a stop was asked for. */
  boolean requested() {
    return requested.get();
  }

  private InvocationHandler handler() {
    return (proxy, method, args) -> {
      switch (method.getName()) {
        case "handle":
          if (!requested.compareAndSet(false, true)) Runtime.getRuntime().halt(EXIT_CODE); // the second signal
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
    restore.forEach(Runnable::run);
  }
}
