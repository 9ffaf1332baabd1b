package dev.videocall.core;

import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.videocall.contract.protocol.MessageType;
import java.util.EnumMap;
import java.util.Map;

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

  /** Each type's opening, made once: before known fields (with their comma), and alone. */
  private static final Map<MessageType, String> OPENING = openings(",");
  private static final Map<MessageType, String> OPENING_ALONE = openings("");

  private static Map<MessageType, String> openings(String after) {
    Map<MessageType, String> openings = new EnumMap<>(MessageType.class);
    for (MessageType t : MessageType.values()) {
      openings.put(t, "{\"type\":\"" + t.wireName() + "\"" + after);
    }
    return openings;
  }

  /** The frame the peer receives: type, known fields, and {@code from} set by the server. */
  public String relayed(String fromUserId) {
    return relayedFrame(fromUserId).toString();
  }

  /**
   * The same frame as {@link #relayed}, as a view over its parts ({@link RelayedFrame}): what the
   * relay sends, so that the known fields are copied once, into the socket's buffer.
   */
  CharSequence relayedFrame(String fromUserId) {
    String head = (members.isEmpty() ? OPENING_ALONE : OPENING).get(type);
    String from = plain(fromUserId) ? "\"" + fromUserId + "\"" : new JsonPrimitive(fromUserId).toString();
    return new RelayedFrame(head, members, ",\"from\":" + from + "}");
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
