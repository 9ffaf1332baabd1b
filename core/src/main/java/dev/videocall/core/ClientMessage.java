package dev.videocall.core;

import com.google.gson.JsonObject;
import dev.videocall.contract.protocol.MessageType;

/**
 * A validated message from a browser, reduced to its known fields. {@link #relayed(String)} is what
 * the peer receives: the same fields plus the sender's bound identity, written by Gson.
 *
 * @param fields the known fields as {@link FrameValidator} read them (empty for {@code bye}); never
 *     changed once made
 */
public record ClientMessage(MessageType type, JsonObject fields) {

  public ClientMessage {
    if (!type.sentByClient()) {
      throw new IllegalArgumentException(type + " is not a client message");
    }
  }

  /** The frame the peer receives: type, known fields, and {@code from} set by the server. */
  public String relayed(String fromUserId) {
    JsonObject frame = new JsonObject();
    frame.addProperty("type", type.wireName());
    fields.asMap().forEach(frame::add);
    frame.addProperty("from", fromUserId);
    return frame.toString();
  }
}
