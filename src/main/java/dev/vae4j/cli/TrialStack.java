package dev.vae4j.cli;

import dev.vae4j.Backends;
import dev.vae4j.Vae;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.train.RunControl;
import dev.vae4j.train.StackedTrainer;
import dev.vae4j.train.TrainOptions;
import dev.vae4j.train.Trainer;
import dev.vae4j.train.TrainingListener;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code sweep --parallel-mode stacked}: the rendezvous of one wave of trials that may train
 * stacked ({@link StackedTrainer}). Each trial runs its whole {@code train} command in a thread of
 * its own (run folder, config.json, checkpoints, listeners, model and pictures: {@link
 * TrainCommand}); only its fit goes through its {@link Seat}. A seat takes the sweep's shared
 * backend ({@link Shared}) when its run can stack, or lets its trial train alone when it cannot;
 * {@link Seat#fit} waits until every seat of the wave has either arrived there or left (a trial that
 * ends before fitting, finished already, refused or failed, leaves in the sweep's {@code finally}),
 * then one thread trains the arrivals, one {@link StackedTrainer#fit} per group of equal {@link
 * StackedTrainer#stackKey}, {@link StackedTrainer#startEpoch} and data, and each trial's thread
 * returns its own result or throws its own failure, so its train command reports it as a lone run
 * would (stopped, pruned, diverged).
 *
 * <p>One thread at a time uses the shared backend (the CUDA backend is not for concurrent use):
 * a seat holds {@link Shared#lock} from taking the backend to leaving, except while it waits in
 * {@link Seat#fit}.
 */
final class TrialStack {
  private final Shared shared;
  private final PrintWriter err;
  /** Seats that have neither arrived at their fit nor left; guarded by this. */
  private int pending;
  /** The seats waiting in their fit, in arrival order; guarded by this. */
  private final List<Arrival> arrived = new ArrayList<>();
  /** Seats handed out, which orders the members of a group as the sweep queued them. */
  private int seats;

  /** A wave of {@code seats} trials on {@code shared}'s backend; the groups' lines go to {@code err}. */
  TrialStack(Shared shared, int seats, PrintWriter err) {
    this.shared = shared;
    this.pending = seats;
    this.err = err;
  }

  /** One trial's place in the wave. */
  synchronized Seat seat(String trial) {
    return new Seat(trial, seats++);
  }

  /** A member of a stacked fit and, once trained, its outcome. */
  private static final class Arrival {
    final String trial;
    final int seat;
    final StackedTrainer.Member member;
    final DatasetSplit data;
    final List<Object> key;
    StackedTrainer.Outcome outcome;

    Arrival(String trial, int seat, StackedTrainer.Member member, DatasetSplit data) {
      this.trial = trial;
      this.seat = seat;
      this.member = member;
      this.data = data;
      this.key = List.of(StackedTrainer.stackKey(member.model().config(), member.options()),
          StackedTrainer.startEpoch(member.control()), new Identity(data));
    }
  }

  /** Compares its object by identity: members of one fit share one loaded data split. */
  private record Identity(Object of) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Identity i && i.of == of;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(of);
    }
  }

  /** Marks a seat arrived or left; the last one wakes the first arrival, which trains them all. */
  private synchronized void settle(Arrival arrival) {
    pending--;
    if (arrival != null) arrived.add(arrival);
    notifyAll();
  }

  /** Waits for {@code mine}'s outcome; the first arrival, once every seat is settled, trains every arrival. */
  private StackedTrainer.Outcome await(Arrival mine) throws InterruptedException {
    synchronized (this) {
      while (mine.outcome == null && !(arrived.get(0) == mine && pending == 0)) wait();
      if (mine.outcome != null) return mine.outcome;
    }
    List<Arrival> all;
    synchronized (this) {
      all = List.copyOf(arrived);
    }
    try {
      trainAll(all);
    } finally {
      synchronized (this) {
        for (Arrival a : all) {
          if (a.outcome == null) a.outcome = new StackedTrainer.Outcome(null, new IllegalStateException("the stacked fit ended without it"));
        }
        notifyAll();
      }
    }
    return mine.outcome;
  }

  /** One stacked fit per group of arrivals that may stack, in turn, holding the shared backend. */
  private void trainAll(List<Arrival> all) {
    Map<List<Object>, List<Arrival>> groups = new LinkedHashMap<>();
    List<Arrival> queued = new ArrayList<>(all);
    queued.sort(java.util.Comparator.comparingInt(a -> a.seat));
    for (Arrival a : queued) groups.computeIfAbsent(a.key, k -> new ArrayList<>()).add(a);
    List<List<Arrival>> stacks = new ArrayList<>();
    for (List<Arrival> group : groups.values()) {
      StackedTrainer.Member first = group.get(0).member;
      int most = shared.modelsPerStack(first.model().config(), first.options().batchSize(), group.size());
      for (int i = 0; i < group.size(); i += most) stacks.add(group.subList(i, Math.min(group.size(), i + most)));
    }
    shared.lock.lock();
    try {
      for (List<Arrival> group : stacks) {
        int from = StackedTrainer.startEpoch(group.get(0).member.control());
        err.printf("vae4j: training %d trial%s stacked%s: %s%n", group.size(), group.size() == 1 ? "" : "s",
            from == 0 ? "" : " from epoch " + from, String.join(", ", group.stream().map(a -> a.trial).toList()));
        err.flush();
        List<StackedTrainer.Outcome> outcomes;
        try {
          outcomes = StackedTrainer.fit(group.stream().map(a -> a.member).toList(), group.get(0).data);
        } catch (RuntimeException e) { // every member fails with it, so that none waits for ever
          outcomes = group.stream().map(a -> new StackedTrainer.Outcome(null, e)).toList();
        }
        synchronized (this) {
          for (int i = 0; i < group.size(); i++) group.get(i).outcome = outcomes.get(i);
          notifyAll();
        }
      }
    } finally {
      shared.lock.unlock();
    }
  }

  /** A trial's place in the wave, used by its train command, left by the sweep when the command returns. */
  final class Seat {
    private final String trial;
    private final int index;
    /** Settled: arrived at its fit or left the wave. Only the trial's own thread reads and writes it. */
    private boolean settled;
    private boolean holding;

    private Seat(String trial, int index) {
      this.trial = trial;
      this.index = index;
    }

    /** The loaded data {@code key} names, shared by the sweep's trials; {@code load} makes it the first time. */
    DatasetSplit data(Object key, Callable<DatasetSplit> load) throws Exception {
      return shared.data(key, load);
    }

    /**
     * The shared backend, held by this thread until the trial leaves, when a run of {@code config},
     * {@code options} and {@code control} can stack and asks for the backend {@code request} names
     * ({@code make} makes it the first time); else null, having left the wave, the reason printed on
     * {@code trialErr}, and the trial trains alone on a backend of its own (on a GPU, after waiting
     * for the shared backend, so that trials there still train one at a time).
     */
    Backends.Choice backend(VaeConfig config, TrainOptions options, RunControl control, List<Object> request,
        Callable<Backends.Choice> make, PrintWriter trialErr) throws Exception {
      String why = StackedTrainer.whyNotStackable(config, options, control);
      Backends.Choice choice = why != null ? null : shared.backend(request, make);
      if (why == null && choice == null) why = "its device options differ from the stacked trials' (" + shared.request + ")";
      if (why == null) {
        shared.lock.lock();
        holding = true;
        return choice;
      }
      trialErr.printf("vae4j: not stacked, trains alone: %s%n", why);
      leave();
      if (shared.inTurnAlone) {
        shared.lock.lock();
        holding = true;
      }
      return null;
    }

    /** Whether {@code backend} is the shared one: the sweep closes it, and {@link #fit} trains on it. */
    boolean shares(dev.vae4j.backend.Backend backend) {
      return shared.choice != null && shared.choice.backend() == backend;
    }

    /** {@link Trainer#fit} of this trial, trained stacked with the wave's others that match it. */
    Trainer.Result fit(Vae model, DatasetSplit data, TrainOptions options, TrainingListener listener, RunControl control)
        throws InterruptedException {
      Arrival mine = new Arrival(trial, index, new StackedTrainer.Member(model, options, listener, control), data);
      shared.lock.unlock();
      holding = false;
      StackedTrainer.Outcome outcome;
      try {
        settled = true;
        settle(mine);
        outcome = await(mine);
      } finally {
        shared.lock.lock();
        holding = true;
      }
      if (outcome.failure() != null) throw outcome.failure();
      return outcome.result();
    }

    /** Leaves the wave if not yet settled, and lets go of the shared backend; idempotent. */
    void leave() {
      if (!settled) {
        settled = true;
        settle(null);
      }
      if (holding) {
        holding = false;
        shared.lock.unlock();
      }
    }
  }

  /**
   * What a stacked sweep's trials share: one backend per wave (made on first use, closed by the
   * sweep after the wave, which frees its models' memory; used by one thread at a time: {@link
   * #lock}) and the loaded data, so that M trials hold one copy.
   */
  static final class Shared implements AutoCloseable {
    final ReentrantLock lock = new ReentrantLock();
    /** Whether trials that cannot stack train one at a time too (a GPU's), holding {@link #lock}. */
    final boolean inTurnAlone;
    private final Map<Object, DatasetSplit> data = new HashMap<>();
    private volatile Backends.Choice choice;
    private List<Object> request;

    Shared(boolean inTurnAlone) {
      this.inTurnAlone = inTurnAlone;
    }

    private synchronized DatasetSplit data(Object key, Callable<DatasetSplit> load) throws Exception {
      DatasetSplit split = data.get(key);
      if (split == null) data.put(key, split = load.call());
      return split;
    }

    /** The backend {@code request} names, made the first time; null when another request made it. */
    private synchronized Backends.Choice backend(List<Object> request, Callable<Backends.Choice> make) throws Exception {
      if (choice == null) {
        choice = make.call();
        this.request = request;
      }
      return request.equals(this.request) ? choice : null;
    }

    /**
     * How many of {@code models} models of {@code config} at batch {@code batch} one stacked fit
     * takes: on a GPU as many as fit in its memory ({@link StackMemory}), else all.
     */
    private int modelsPerStack(VaeConfig config, int batch, int models) {
      long gpu = choice == null ? 0 : Backends.gpuMemoryBytes(choice.backend());
      return gpu == 0 ? models : StackMemory.models(config, batch, gpu, models);
    }

    /** Closes the wave's backend, once every trial of the wave has ended; the next wave makes another. */
    synchronized void endWave() {
      if (choice != null) choice.backend().close();
      choice = null;
      request = null;
    }

    @Override
    public synchronized void close() {
      endWave();
      data.clear();
    }
  }
}
