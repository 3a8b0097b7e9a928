package dev.vae4j.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.io.FormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer per run folder; a released lock is free again; temp files of killed writes go. */
class RunLockTest {
  @TempDir Path dir;

  @Test
  void aHeldLockRefusesASecondWriterNamingTheFolderAndThePid() throws IOException {
    Path run = dir.resolve("run");
    try (RunLock held = RunLock.acquire(run)) {
      RunLock.RunInUseException e = assertThrows(RunLock.RunInUseException.class, () -> RunLock.acquire(run));
      assertTrue(e.getMessage().startsWith(run + " is in use by another vae4j process (pid " + ProcessHandle.current().pid() + ","),
          e.getMessage());
    }
    try (RunLock again = RunLock.acquire(run)) {
      assertEquals(Long.toString(ProcessHandle.current().pid()), Files.readString(run.resolve(RunLock.FILE)).strip());
    }
  }

  @Test
  void takingTheLockRemovesOnlyStaleTemporaryFilesOfVae4jsNaming() throws IOException {
    Files.createDirectories(dir);
    Path stale = Files.write(dir.resolve(".model.safetensors.k3j2h1.tmp"), new byte[10]);
    Path staleCheckpoint = Files.write(dir.resolve(".checkpoint-step-000000012.safetensors.zzzzzzzzzzzzz.tmp"), new byte[10]);
    Path mine = Files.writeString(dir.resolve("draft.tmp"), "keep");
    Path hidden = Files.writeString(dir.resolve(".notes"), "keep");
    try (RunLock held = RunLock.acquire(dir)) {
      assertFalse(Files.exists(stale));
      assertFalse(Files.exists(staleCheckpoint));
      assertTrue(Files.exists(mine));
      assertTrue(Files.exists(hidden));
    }
  }

  @Test
  void aLockFileThatIsNoRegularFileIsRefused() throws IOException {
    Files.createDirectories(dir.resolve(RunLock.FILE));
    FormatException e = assertThrows(FormatException.class, () -> RunLock.acquire(dir));
    assertTrue(e.getMessage().contains("a folder, not a lock file"), e.getMessage());
  }
}
