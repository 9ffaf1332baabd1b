package dev.videocall.core;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;

/** Builds the frames the server sends (docs/protocol.md, "Server → client"). */
public final class ServerMessages {
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private ServerMessages() {}

  /** Why a peer is no longer in the call. */
  public enum LeaveReason {
    HANGUP("hangup"),
    DISCONNECTED("disconnected"),
    TIMEOUT("timeout");

    private final String wireName;

    LeaveReason(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }
  }

  public static String welcome(
      String sessionId,
      String userId,
      String peerId,
      boolean peerPresent,
      boolean polite,
      long epoch,
      List<IceServer> iceServers) {
    JsonObject o = typed("welcome");
    o.addProperty("sessionId", sessionId);
    o.addProperty("userID", userId);
    o.addProperty("peerID", peerId);
    o.addProperty("role", peerPresent ? "offerer" : "answerer");
    o.addProperty("polite", polite);
    o.addProperty("peerPresent", peerPresent);
    o.addProperty("epoch", epoch);
    JsonArray servers = new JsonArray();
    for (IceServer server : iceServers) {
      servers.add(GSON.toJsonTree(server));
    }
    o.add("iceServers", servers);
    return GSON.toJson(o);
  }

  public static String peerJoined(String peerId, long epoch) {
    JsonObject o = typed("peer-joined");
    o.addProperty("peerID", peerId);
    o.addProperty("role", "answerer");
    o.addProperty("epoch", epoch);
    return GSON.toJson(o);
  }

  public static String peerLeft(String peerId, LeaveReason reason, long epoch) {
    JsonObject o = typed("peer-left");
    o.addProperty("peerID", peerId);
    o.addProperty("reason", reason.wireName());
    o.addProperty("epoch", epoch);
    return GSON.toJson(o);
  }

  public static String error(ErrorCode code, String message) {
    JsonObject o = typed("error");
    o.addProperty("code", code.wireCode());
    o.addProperty("message", message);
    return GSON.toJson(o);
  }

  private static JsonObject typed(String type) {
    JsonObject o = new JsonObject();
    o.addProperty("type", type);
    return o;
  }
}
