package dev.videocall.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JitSettlingTest {

  @Test
  void settlesAfterEnoughQuietWindowsInARow() {
    JitSettling settling = new JitSettling(25, 3);
    assertFalse(settling.settledAfter(1_000), "the first reading only sets the start");
    assertFalse(settling.settledAfter(1_010));
    assertFalse(settling.settledAfter(1_035), "exactly the allowance is still quiet: two in a row");
    assertTrue(settling.settledAfter(1_035), "three quiet windows in a row");
    assertTrue(settling.settledAfter(1_040), "and it stays settled while the windows stay quiet");
  }

  @Test
  void aBusyWindowStartsTheCountAgain() {
    JitSettling settling = new JitSettling(25, 2);
    settling.settledAfter(0);
    assertFalse(settling.settledAfter(10));
    // A long compilation shows up only when it ends, all at once.
    assertFalse(settling.settledAfter(910), "a busy window");
    assertFalse(settling.settledAfter(915), "one quiet window after it is not enough");
    assertTrue(settling.settledAfter(915));
  }

  @Test
  void refusesSettingsThatCouldNeverSettle() {
    assertThrows(IllegalArgumentException.class, () -> new JitSettling(-1, 1));
    assertThrows(IllegalArgumentException.class, () -> new JitSettling(25, 0));
  }
}
