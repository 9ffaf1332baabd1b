package dev.videocall.core;

import com.google.gson.JsonObject;
import dev.videocall.contract.protocol.MessageType;

/**
 * A validated message from a browser, reduced to its known fields. {@link #relayed(String)} is what
 * the peer receives: the same fields plus the sender's bound identity.
 */
public record ClientMessage(MessageType type, JsonObject fields) {

  public ClientMessage {
    if (!type.sentByClient()) {
      throw new IllegalArgumentException(type + " is not a client message");
    }
  }

  /** The frame the peer receives: type, known fields, and {@code from} set by the server. */
  public String relayed(String fromUserId) {
    JsonObject out = new JsonObject();
    out.addProperty("type", type.wireName());
    for (var e : fields.entrySet()) {
      out.add(e.getKey(), e.getValue());
    }
    out.addProperty("from", fromUserId);
    return out.toString();
  }
}
