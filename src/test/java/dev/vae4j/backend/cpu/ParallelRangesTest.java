package dev.vae4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ParallelRangesTest {

  @Test
  void partsRunOnThreadsOfTheirOwnAndTheirLoopsStayThere() {
    try (ParallelRanges parts = new ParallelRanges(2); ParallelRanges loops = new ParallelRanges(2)) {
      Set<Thread> partThreads = ConcurrentHashMap.newKeySet();
      Set<String> mismatches = ConcurrentHashMap.newKeySet();
      int[] entered = new int[2];
      int[] covered = new int[2 * 100_000];
      parts.forParts(2, p -> {
        Thread self = Thread.currentThread();
        partThreads.add(self);
        loops.forRange(100_000, (from, to) -> {
          if (Thread.currentThread() != self) mismatches.add("part " + p + " loop ran on " + Thread.currentThread());
          for (int i = from; i < to; i++) covered[p * 100_000 + i]++;
        });
      }, () -> entered[0]++, () -> entered[1]++);
      assertEquals(2, partThreads.size(), "each part on a thread of its own");
      assertEquals(Set.of(), mismatches);
      assertArrayEquals(new int[] {2, 2}, entered, "enter and exit ran once per part");
      for (int i = 0; i < covered.length; i++) assertEquals(1, covered[i], "element " + i);
    }
  }

  @Test
  void partsInsideAPartRunThereWithoutEnteringAgain() {
    try (ParallelRanges parts = new ParallelRanges(2)) {
      AtomicInteger enters = new AtomicInteger();
      AtomicInteger exits = new AtomicInteger();
      Set<String> mismatches = ConcurrentHashMap.newKeySet();
      int[] inner = new int[4];
      parts.forParts(2, p -> {
        Thread self = Thread.currentThread();
        parts.forParts(2, q -> {
          if (Thread.currentThread() != self) mismatches.add("inner part " + q + " of " + p + " left its thread");
          inner[2 * p + q]++;
        }, enters::incrementAndGet, exits::incrementAndGet);
      }, enters::incrementAndGet, exits::incrementAndGet);
      assertEquals(Set.of(), mismatches);
      assertArrayEquals(new int[] {1, 1, 1, 1}, inner);
      assertEquals(2, enters.get(), "enter once per outer part");
      assertEquals(2, exits.get(), "exit once per outer part");
    }
  }

  @Test
  void morePartsThanThreadsRunInTurnOnEachThread() {
    try (ParallelRanges parts = new ParallelRanges(2)) {
      int[] ran = new int[5];
      Set<Thread> threads = ConcurrentHashMap.newKeySet();
      AtomicInteger enters = new AtomicInteger();
      AtomicInteger exits = new AtomicInteger();
      parts.forParts(5, p -> {
        threads.add(Thread.currentThread());
        ran[p]++;
      }, enters::incrementAndGet, exits::incrementAndGet);
      assertArrayEquals(new int[] {1, 1, 1, 1, 1}, ran);
      assertEquals(2, threads.size());
      assertEquals(2, enters.get(), "enter once per thread");
      assertEquals(2, exits.get(), "exit once per thread");
    }
  }

  @Test
  void loopsOutsidePartsStillSplit() {
    try (ParallelRanges loops = new ParallelRanges(2)) {
      Set<Thread> threads = ConcurrentHashMap.newKeySet();
      loops.forRange(4 * ParallelRanges.MIN_ELEMENTS_PER_THREAD, (from, to) -> threads.add(Thread.currentThread()));
      assertEquals(2, threads.size());
    }
  }
}
