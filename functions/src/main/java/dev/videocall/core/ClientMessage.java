package dev.videocall.core;

import com.google.gson.JsonObject;

/**
 * A validated message from a browser, reduced to its known fields. {@link #relayed(String)} is what
 * the peer receives: the same fields plus the sender's bound identity.
 */
public record ClientMessage(Type type, JsonObject fields) {

  public enum Type {
    OFFER("offer", Limits.MAX_SDP_FRAME_BYTES),
    ANSWER("answer", Limits.MAX_SDP_FRAME_BYTES),
    CANDIDATE("candidate", Limits.MAX_CANDIDATE_FRAME_BYTES),
    BYE("bye", Limits.MAX_BYE_FRAME_BYTES);

    private final String wireName;
    private final int maxFrameBytes;

    Type(String wireName, int maxFrameBytes) {
      this.wireName = wireName;
      this.maxFrameBytes = maxFrameBytes;
    }

    public String wireName() {
      return wireName;
    }

    public int maxFrameBytes() {
      return maxFrameBytes;
    }

    static Type fromWire(String name) {
      for (Type t : values()) {
        if (t.wireName.equals(name)) {
          return t;
        }
      }
      return null;
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
