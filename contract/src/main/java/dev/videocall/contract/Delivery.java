package dev.videocall.contract;

import java.util.Objects;

/**
 * One thing the signaling core asks a gateway to do with one of its connections: send a text frame,
 * or close the connection with a code.
 *
 * <p>{@code originConnectionId}, {@code originSeq} and {@code part} name the envelope that caused this
 * delivery and which of its outputs it is. Together they are unique and grow monotonically per origin
 * connection, so a gateway can drop a redelivered copy by remembering the last one it delivered.
 *
 * @param gatewayId instance that holds the target connection
 * @param connectionId target connection
 * @param frame text frame to send, or null for a close without a final frame
 * @param closeCode close the connection after sending {@code frame}; null keeps it open
 * @param closeReason short reason sent with the close (at most 123 bytes in UTF-8)
 * @param originConnectionId connection whose envelope produced this delivery
 * @param originSeq {@link Envelope#seq()} of that envelope
 * @param part index of this delivery among those the envelope produced
 */
public record Delivery(
    String gatewayId,
    String connectionId,
    String frame,
    Integer closeCode,
    String closeReason,
    String originConnectionId,
    long originSeq,
    int part) {

  public Delivery {
    Objects.requireNonNull(gatewayId, "gatewayId");
    Objects.requireNonNull(connectionId, "connectionId");
    Objects.requireNonNull(originConnectionId, "originConnectionId");
    if (frame == null && closeCode == null) {
      throw new IllegalArgumentException("a delivery sends a frame, closes, or both");
    }
  }

  public static Delivery frame(
      ConnectionRef target, String frame, String originConnectionId, long originSeq, int part) {
    return new Delivery(
        target.gatewayId(), target.connectionId(), frame, null, null, originConnectionId, originSeq, part);
  }

  public static Delivery close(
      ConnectionRef target,
      String finalFrame,
      int closeCode,
      String closeReason,
      String originConnectionId,
      long originSeq,
      int part) {
    return new Delivery(
        target.gatewayId(),
        target.connectionId(),
        finalFrame,
        closeCode,
        closeReason,
        originConnectionId,
        originSeq,
        part);
  }

  public ConnectionRef target() {
    return new ConnectionRef(gatewayId, connectionId);
  }

  /** The ordering key for this delivery: one key per target connection keeps its frames in order. */
  public String orderingKey() {
    return connectionId;
  }
}
