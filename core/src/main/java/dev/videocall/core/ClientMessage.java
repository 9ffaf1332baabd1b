package dev.videocall.core;

import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.videocall.contract.protocol.MessageType;

/**
 * A validated message from a browser, reduced to its known fields. {@link #relayed(String)} is what
 * the peer receives: the same fields plus the sender's bound identity.
 *
 * @param members the known fields as JSON members, spelled as the relayed frame has them (for
 *     example {@code "sdp":"v=0\r\n…"}); empty for {@code bye}. A view into the received frame when
 *     {@link FastFrame} read it, so the value is copied once, into the relayed frame.
 */
public record ClientMessage(MessageType type, CharSequence members) {

  public ClientMessage {
    if (!type.sentByClient()) {
      throw new IllegalArgumentException(type + " is not a client message");
    }
  }

  /** From the known fields as a Gson object (the careful path). */
  static ClientMessage of(MessageType type, JsonObject fields) {
    String object = fields.toString();
    return new ClientMessage(type, object.substring(1, object.length() - 1));
  }

  /**
   * Where each thread writes the frames it relays, so that a frame is copied once, into its String,
   * instead of into a new builder first (docs/performance.md). It keeps the capacity of the largest
   * frame the thread relayed: at most the gateway's frame limit plus a few bytes, twice that if the
   * frame was not Latin-1.
   */
  private static final ThreadLocal<StringBuilder> BUILDER = ThreadLocal.withInitial(() -> new StringBuilder(1024));

  /** The frame the peer receives: type, known fields, and {@code from} set by the server. */
  public String relayed(String fromUserId) {
    StringBuilder b = BUILDER.get();
    b.setLength(0);
    b.append("{\"type\":\"").append(type.wireName()).append('"');
    if (!members.isEmpty()) {
      b.append(',').append(members);
    }
    b.append(",\"from\":");
    if (plain(fromUserId)) {
      b.append('"').append(fromUserId).append('"');
    } else {
      b.append(new JsonPrimitive(fromUserId));
    }
    return b.append('}').toString();
  }

  /** No character Gson's writer would escape: written the same either way. */
  private static boolean plain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\' || c == '\u2028' || c == '\u2029') {
        return false;
      }
    }
    return true;
  }
}
