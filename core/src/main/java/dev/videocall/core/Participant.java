package dev.videocall.core;

import dev.videocall.contract.ConnectionRef;
import java.time.Instant;

/**
 * A person in a call, as the presence store keeps them: their current connection, or, when {@code
 * parkedAt} is set, the connection they parked (closed with 4100 once their call went peer to peer).
 * A parked participant is still in the call but holds no socket: nothing can be delivered to it.
 * {@code openedAt} is when that connection opened, by its gateway's clock (null if not known).
 */
public record Participant(String userId, ConnectionRef connection, Instant openedAt, String userAgent, Instant parkedAt) {

  /** A participant holding its connection. */
  public Participant(String userId, ConnectionRef connection, Instant openedAt, String userAgent) {
    this(userId, connection, openedAt, userAgent, null);
  }

  /** In the call with its socket closed (docs/protocol.md, "Parking"). */
  public boolean parked() {
    return parkedAt != null;
  }

  /** Holds an open socket that deliveries can reach (if its gateway lives). */
  public boolean connected() {
    return parkedAt == null;
  }
}
