package dev.videocall.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which of taskset's failures mean "it had exited" (util-linux 2.38's words), and which do not. */
class CpusTest {
  @Test
  void aThreadThatExitedWhileMovedIsVanished() {
    assertTrue(Cpus.vanished("taskset: failed to set pid 22620's affinity: No such process\n"),
        "got not vanished, want vanished for a thread gone between listing and moving");
    assertTrue(Cpus.vanished("pid 22600's current affinity list: 0\ntaskset: failed to get pid 22620's affinity: No such process"),
        "got not vanished, want vanished for a thread gone before its affinity was read");
  }

  @Test
  void otherFailuresAreNotVanished() {
    assertFalse(Cpus.vanished("taskset: failed to set pid 1's affinity: Operation not permitted"),
        "got vanished, want a real failure for EPERM");
    assertFalse(Cpus.vanished("taskset: failed to parse CPU list: 9-x"), "got vanished, want a real failure for a bad list");
    assertFalse(Cpus.vanished(""), "got vanished, want a real failure for no output");
  }
}
