package dev.videocall.testkit;

import dev.videocall.core.PresenceStore;
import dev.videocall.core.memory.InMemoryPresenceStore;

/** The presence contract, checked against the in-memory store (the reference implementation). */
class InMemoryPresenceStoreContractTest extends PresenceStoreContract {
  private final InMemoryPresenceStore store = new InMemoryPresenceStore();

  @Override
  protected PresenceStore store() {
    return store;
  }

  @Override
  protected long messagesSent(String sessionId) {
    return store.messagesSent(sessionId);
  }
}
