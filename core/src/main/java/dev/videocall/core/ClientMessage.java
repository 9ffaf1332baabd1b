package dev.videocall.core;

import com.google.gson.JsonObject;
import dev.videocall.contract.protocol.MessageType;

/**
 * A validated message from a browser, reduced to its known fields. {@link #relayed(String)} is what
 * the member it is for receives: the same fields plus the sender's bound identity, written by Gson.
 *
 * @param fields the known fields as {@link FrameValidator} read them (empty for {@code bye}); never
 *     changed once made
 * @param to the (normalised) member the message is for, or null when it names nobody (allowed only
 *     in a call of two); never relayed
 */
public record ClientMessage(MessageType type, JsonObject fields, String to) {

  public ClientMessage {
    if (!type.sentByClient()) {
      throw new IllegalArgumentException(type + " is not a client message");
    }
  }

  /** A message for nobody in particular: a {@code bye}, or a relay in a call of two. */
  public ClientMessage(MessageType type, JsonObject fields) {
    this(type, fields, null);
  }

  /** The frame the recipient receives: type, known fields, and {@code from} set by the server. */
  public String relayed(String fromUserId) {
    JsonObject frame = new JsonObject();
    frame.addProperty("type", type.wireName());
    fields.asMap().forEach(frame::add);
    frame.addProperty("from", fromUserId);
    return frame.toString();
  }
}
