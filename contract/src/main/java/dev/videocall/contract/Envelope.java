package dev.videocall.contract;

import java.util.Objects;

/**
 * What the gateway knows about one WebSocket event, forwarded unchanged to the signaling core.
 *
 * <p>The gateway adds no meaning: it copies the query parameters and the raw text frame, numbers the
 * events of each connection ({@code seq} starts at 0 with {@link Event#OPEN}), and stamps its own
 * instance id so the core can route answers back to it.
 *
 * @param connectionId gateway-assigned id, unique across instances
 * @param gatewayId the instance holding the WebSocket
 * @param event open, frame or close
 * @param seq position of this event on its connection, used to drop redeliveries
 * @param userId {@code userID} query parameter as received (may be null or anything)
 * @param peerId {@code peerID} query parameter as received
 * @param token {@code token} query parameter as received
 * @param payload the text frame, only for {@link Event#FRAME}
 * @param closeCode the WebSocket close code, only for {@link Event#CLOSE}
 * @param userAgent the User-Agent header of the upgrade request, for presence records
 */
public record Envelope(
    String connectionId,
    String gatewayId,
    Event event,
    long seq,
    String userId,
    String peerId,
    String token,
    String payload,
    Integer closeCode,
    String userAgent) {

  public enum Event {
    OPEN,
    FRAME,
    CLOSE
  }

  public Envelope {
    Objects.requireNonNull(connectionId, "connectionId");
    Objects.requireNonNull(gatewayId, "gatewayId");
    Objects.requireNonNull(event, "event");
  }

  /** The ordering key for this envelope: one key per connection keeps a person's frames in order. */
  public String orderingKey() {
    return connectionId;
  }
}
