package dev.videocall.core;

import dev.videocall.contract.ConnectionRef;
import dev.videocall.contract.Delivery;
import dev.videocall.contract.Envelope;
import dev.videocall.contract.protocol.LeaveReason;
import dev.videocall.contract.protocol.ServerFrames;
import dev.videocall.core.PresenceStore.Left;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes participants whose gateway has stopped beating (a crashed or killed instance never sends
 * their close) and tells the others in their call {@code peer-left} with reason {@code timeout}.
 *
 * <p>Parked participants are left alone: they hold no socket, so the gateway they parked from going
 * away strands nothing. That gateway normally does go away (with every socket of a call parked it has
 * no requests, and Cloud Run scales it in), so removing them would end every parked call.
 */
public final class GhostSweeper {
  private static final Logger log = LoggerFactory.getLogger(GhostSweeper.class);

  /** How many open calls one sweep looks at; a personal site has a handful. */
  static final int MAX_SESSIONS_PER_SWEEP = 1000;

  private final PresenceStore presence;
  private final GatewayLiveness liveness;
  private final InstantSource clock;

  public GhostSweeper(PresenceStore presence, GatewayLiveness liveness, InstantSource clock) {
    this.presence = presence;
    this.liveness = liveness;
    this.clock = clock;
  }

  /** What one sweep did: how many ghosts it removed, and the {@code peer-left} frames to deliver. */
  public record Sweep(int removed, List<Delivery> deliveries) {}

  /** One sweep. The caller delivers {@link Sweep#deliveries()}. */
  public Sweep sweep() {
    Instant now = clock.instant();
    int removed = 0;
    List<Delivery> deliveries = new ArrayList<>();
    for (String sessionId : presence.openSessionIds(MAX_SESSIONS_PER_SWEEP)) {
      Map<String, Participant> participants = presence.participants(sessionId);
      for (Participant ghost : participants.values()) {
        ConnectionRef at = ghost.connection();
        if (ghost.parked() || liveness.isAlive(at.gatewayId(), now)) {
          continue;
        }
        if (presence.leave(sessionId, ghost.userId(), at.connectionId(), now, 0) instanceof Left left) {
          removed++;
          // The sweep acts for the vanished connection: its deliveries carry that connection as origin,
          // with a sequence number past anything it could have sent.
          Outbox out = new Outbox(new Envelope(
              at.connectionId(), at.gatewayId(), Envelope.Event.CLOSE, Long.MAX_VALUE, ghost.userId(), null, null, null, null, null, null));
          // By user id: a retried sweep numbers its deliveries as the first did.
          String frame = ServerFrames.peerLeft(ghost.userId(), LeaveReason.TIMEOUT, left.epoch());
          left.others().values().stream()
              .filter(p -> p.connected() && liveness.isAlive(p.connection().gatewayId(), now))
              .sorted(java.util.Comparator.comparing(Participant::userId))
              .forEach(p -> out.send(p.connection(), frame));
          deliveries.addAll(out.deliveries());
          log.atInfo()
              .addKeyValue("sessionId", sessionId)
              .addKeyValue("userId", ghost.userId())
              .addKeyValue("connectionId", at.connectionId())
              .addKeyValue("gatewayId", at.gatewayId())
              .log("removed participant of a dead gateway");
        }
      }
    }
    return new Sweep(removed, List.copyOf(deliveries));
  }
}
