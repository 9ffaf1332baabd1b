package dev.videocall.core.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videocall.contract.ConnectionRef;
import dev.videocall.core.PresenceStore;
import dev.videocall.core.PresenceStore.Join;
import dev.videocall.core.PresenceStore.Joined;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class InMemoryPresenceStoreTest {
  static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  final InMemoryPresenceStore store = new InMemoryPresenceStore();

  static Join join(String session, String user, String peer, String conn) {
    return new Join(session, user, peer, new ConnectionRef("gw", conn), NOW, "ua", NOW.plusSeconds(60), NOW);
  }

  @Test
  void aLeaveFromAnOldConnectionNeverRemovesTheNewerOne() {
    store.join(join("s", "alice", "bob", "a1"));
    Joined second = assertInstanceOf(Joined.class, store.join(join("s", "alice", "bob", "a2")));
    assertEquals("a1", second.replaced().orElseThrow().connectionId());
    assertInstanceOf(PresenceStore.NotCurrent.class, store.leave("s", "alice", "a1", NOW, 0));
    assertEquals("a2", store.participants("s").get("alice").connection().connectionId());
    assertInstanceOf(PresenceStore.Left.class, store.leave("s", "alice", "a2", NOW, 0));
    assertTrue(store.participants("s").isEmpty());
  }

  /** Many connections of the same two people race to join and leave; the survivors are consistent. */
  @RepeatedTest(20)
  void racingJoinsAndLeavesKeepOneCurrentConnectionPerPerson() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String user = i % 2 == 0 ? "alice" : "bob";
      String peer = i % 2 == 0 ? "bob" : "alice";
      String conn = user + "-" + i;
      boolean leaves = i % 3 == 0;
      futures.add(pool.submit(() -> {
        start.await();
        store.join(join("race", user, peer, conn));
        if (leaves) {
          store.leave("race", user, conn, NOW, 0);
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> f : futures) {
      f.get(10, TimeUnit.SECONDS);
    }
    pool.shutdown();
    var participants = store.participants("race");
    assertTrue(participants.size() <= 2);
    participants.forEach((user, p) -> assertTrue(p.connection().connectionId().startsWith(user + "-"), p.toString()));
  }

  @Test
  void aThirdPersonCannotJoinEvenWhenTheCallIsHalfEmpty() {
    store.join(join("s", "alice", "bob", "a1"));
    assertInstanceOf(PresenceStore.Full.class, store.join(join("s", "carol", "alice", "c1")));
    assertInstanceOf(PresenceStore.Full.class, store.join(join("s", "alice", "carol", "a9")));
  }
}
