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
  protected long relayedCount(String sessionId, String userId) {
    return store.relayedCount(sessionId, userId);
  }
}
