package dev.videocall.gateway;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FrameBudgetsTest {
  static final long SECOND = 1_000_000_000L;

  @Test
  void theSameLinkSharesOneBudgetAndAnotherLinkHasItsOwn() {
    FrameBudgets budgets = new FrameBudgets(5, 10, 50, 100);
    FrameRateLimiter alice = budgets.of("alice", "bob", "t1", 0);
    assertSame(alice, budgets.of("Alice", "BOB", "t1", SECOND), "a reconnect with the same link");
    assertNotSame(alice, budgets.of("bob", "alice", "t2", 0), "the other person of the call");
    assertNotSame(alice, budgets.of("alice", "bob", "t3", 0), "another link for the same names");
    FrameRateLimiter noToken = budgets.of("carol", "dave", null, 0);
    assertSame(noToken, budgets.of("CAROL", "Dave", null, 0), "without a token, the names");
    assertNotSame(noToken, budgets.of("carol", "erin", null, 0));
  }

  @Test
  void onlyBudgetsAsGoodAsNewAreDroppedToMakeRoom() {
    FrameBudgets budgets = new FrameBudgets(5, 10, 50, 100);
    FrameRateLimiter spent = budgets.of("flooder", "x", "t-flooder", 0);
    for (int i = 0; i < 10; i++) {
      spent.onFrame(0);
    }
    for (int i = 0; i < 150; i++) {
      budgets.of("u" + i, "x", "t" + i, 0).onFrame(0);
    }
    assertTrue(budgets.tracked() > 100, "budgets in use are kept even over the cap");
    // 1.5 s later the others have refilled their one frame and are as good as new; the flooder's is
    // still short of its burst (10 frames at 5/s take 2 s to come back).
    budgets.of("late", "x", "t-late", 3 * SECOND / 2);
    assertTrue(budgets.tracked() <= 3, "idle budgets dropped: " + budgets.tracked());
    assertSame(spent, budgets.of("flooder", "x", "t-flooder", 3 * SECOND / 2), "a budget still in use is kept");
  }

  @Test
  void aFloodOfNewLinksCannotGrowTheTableWithoutBound() {
    FrameBudgets budgets = new FrameBudgets(5, 10, 50, 100);
    for (int i = 0; i < 10_000; i++) {
      budgets.of("u" + i, "x", "t" + i, i * 1_000_000L).onFrame(i * 1_000_000L); // one a millisecond, each spending
    }
    assertTrue(budgets.tracked() <= 2 * 100 + 1_000, "bounded by twice the cap plus a second of arrivals: " + budgets.tracked());
  }
}
