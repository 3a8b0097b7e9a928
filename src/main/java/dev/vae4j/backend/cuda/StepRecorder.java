package dev.vae4j.backend.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * The bookkeeping behind {@link CudaBackend#recordStep}: which launch arguments of a recorded step
 * change from replay to replay, and by how much.
 *
 * <p>The step body is run three times. For k = 1 and k = 2 it is probed: every op it issues is
 * recorded here (its name and argument values) and nothing runs on the GPU. For k = 0 it runs
 * under CUDA graph capture, and each op is matched with its probed twins: all arguments must be
 * equal, except an op's one per-step argument (its "dynamic slot": the value that {@code
 * vae4j_step_value} turns into {@code base + stride * counter} on the device), which must change
 * by the same stride from k = 0 to 1 as from 1 to 2. A per-step argument that varies is rewritten
 * to read the device counter; anything else that varies is an error, since a graph would freeze it.
 *
 * <p>A dynamic slot {@code s} means: {@code values[s]} is the counter's device address (0 in a
 * plain call), {@code values[s+1]} the value, {@code values[s+2]} its stride (0 in a plain call).
 */
final class StepRecorder {
  /** One op as issued: its name for messages, its arguments, and its dynamic slot or -1. */
  record Op(String name, long[] values, int dynamicSlot) {}

  private final long counterAddress;
  private final List<List<Op>> probes = new ArrayList<>();
  private boolean capturing;
  private int position;

  /** @param counterAddress device address of the int64 replay counter the graph advances */
  StepRecorder(long counterAddress) {
    this.counterAddress = counterAddress;
  }

  /** Starts recording one probe run (k = 1, then k = 2). */
  void beginProbe() {
    if (capturing || probes.size() == 2) throw new IllegalStateException("two probes, then the capture");
    probes.add(new ArrayList<>());
  }

  /** Starts matching the captured run (k = 0) against the probes. */
  void beginCapture() {
    if (probes.size() != 2) throw new IllegalStateException("capture needs two probes first");
    capturing = true;
    position = 0;
  }

  boolean isCapturing() {
    return capturing;
  }

  /**
   * An op issued by the step body. While probing, records it and returns null: the op must not
   * run. While capturing, returns the arguments to launch it with (per-step arguments rewritten to
   * read the counter), after checking it against the probes.
   */
  long[] onOp(String name, long[] values, int dynamicSlot) {
    if (!capturing) {
      probes.get(probes.size() - 1).add(new Op(name, values.clone(), dynamicSlot));
      return null;
    }
    if (position >= probes.get(0).size()) {
      throw mismatch("issues more ops at k = 0 than at k = 1 (op " + (position + 1) + ": " + name + ")");
    }
    Op one = probes.get(0).get(position), two = probes.get(1).get(position);
    position++;
    if (!one.name().equals(name) || !two.name().equals(name) || one.values().length != values.length
        || two.values().length != values.length) {
      throw mismatch("op " + position + " is " + name + " at k = 0 but " + one.name() + " at k = 1 and "
          + two.name() + " at k = 2");
    }
    int valueSlot = dynamicSlot < 0 ? -1 : dynamicSlot + 1;
    for (int i = 0; i < values.length; i++) {
      if (i != valueSlot && (values[i] != one.values()[i] || values[i] != two.values()[i])) {
        throw mismatch("argument " + i + " of op " + position + " (" + name + ") differs between replays"
            + " (" + values[i] + ", " + one.values()[i] + ", " + two.values()[i] + " at k = 0, 1, 2); only"
            + " gatherRows' first, normalNoise's and stackedNormalNoise's stream and adamUpdate's and"
            + " stackedAdamUpdate's step may change per step");
      }
    }
    if (valueSlot < 0) return values.clone();
    long v0 = values[valueSlot], v1 = one.values()[valueSlot], v2 = two.values()[valueSlot];
    if (v1 - v0 != v2 - v1) {
      throw mismatch(name + "'s per-step value is not affine in k (" + v0 + ", " + v1 + ", " + v2
          + " at k = 0, 1, 2)");
    }
    long[] out = values.clone();
    if (v1 != v0) {
      out[dynamicSlot] = counterAddress;
      out[dynamicSlot + 2] = v1 - v0;
    }
    return out;
  }

  /** Checks that the captured run issued as many ops as the probes. */
  void finishCapture() {
    int probed = probes.get(0).size();
    if (position != probed || probes.get(1).size() != probed) {
      throw mismatch("issues " + position + " ops at k = 0, " + probed + " at k = 1, " + probes.get(1).size()
          + " at k = 2");
    }
  }

  /** The ops recorded by the probes so far, for tests. */
  List<Op> probe(int index) {
    return List.copyOf(probes.get(index));
  }

  private static IllegalStateException mismatch(String what) {
    return new IllegalStateException("recordStep: the step body " + what);
  }
}
