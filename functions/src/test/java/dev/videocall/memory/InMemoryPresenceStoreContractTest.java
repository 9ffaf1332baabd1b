package dev.videocall.memory;

import dev.videocall.core.PresenceStore;
import dev.videocall.core.PresenceStoreContract;

class InMemoryPresenceStoreContractTest extends PresenceStoreContract {
  private final InMemoryPresenceStore store = new InMemoryPresenceStore();

  @Override
  protected PresenceStore store() {
    return store;
  }

  @Override
  protected long relayedTotal(String sessionId) {
    return store.relayedCount(sessionId, "alice") + store.relayedCount(sessionId, "bob");
  }
}
