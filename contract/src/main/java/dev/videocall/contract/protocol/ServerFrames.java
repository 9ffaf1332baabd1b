package dev.videocall.contract.protocol;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;

/**
 * Builds every frame the server itself sends (docs/protocol.md, "Server → client"), always through
 * the JSON library. The core sends all of them; the gateway sends {@link #error} for refusals at the
 * door and rate limiting.
 */
public final class ServerFrames {
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private ServerFrames() {}

  /**
   * What {@code welcome} tells a connection that has joined its call. {@code peerPresent}: the peer
   * holds a connection now (so this side makes the first offer); {@code peerParked}: the peer is in
   * the call but parked, its socket closed while its call goes on peer to peer (never both true).
   */
  public record Welcome(
      String sessionId,
      String userId,
      String peerId,
      boolean peerPresent,
      boolean peerParked,
      boolean polite,
      long epoch,
      List<IceServer> iceServers) {}

  public static String welcome(Welcome w) {
    JsonObject o = typed(MessageType.WELCOME);
    o.addProperty("sessionId", w.sessionId());
    o.addProperty("userID", w.userId());
    o.addProperty("peerID", w.peerId());
    o.addProperty("role", (w.peerPresent() ? Role.OFFERER : Role.ANSWERER).wireName());
    o.addProperty("polite", w.polite());
    o.addProperty("peerPresent", w.peerPresent());
    o.addProperty("peerParked", w.peerParked());
    o.addProperty("epoch", w.epoch());
    JsonArray servers = new JsonArray();
    for (IceServer server : w.iceServers()) {
      servers.add(GSON.toJsonTree(server));
    }
    o.add("iceServers", servers);
    return GSON.toJson(o);
  }

  public static String peerJoined(String peerId, long epoch) {
    JsonObject o = typed(MessageType.PEER_JOINED);
    o.addProperty("peerID", peerId);
    o.addProperty("role", Role.ANSWERER.wireName());
    o.addProperty("epoch", epoch);
    return GSON.toJson(o);
  }

  public static String peerLeft(String peerId, LeaveReason reason, long epoch) {
    JsonObject o = typed(MessageType.PEER_LEFT);
    o.addProperty("peerID", peerId);
    o.addProperty("reason", reason.wireName());
    o.addProperty("epoch", epoch);
    return GSON.toJson(o);
  }

  public static String error(ErrorCode code, String message) {
    JsonObject o = typed(MessageType.ERROR);
    o.addProperty("code", code.wireCode());
    o.addProperty("message", message);
    return GSON.toJson(o);
  }

  private static JsonObject typed(MessageType type) {
    JsonObject o = new JsonObject();
    o.addProperty("type", type.wireName());
    return o;
  }
}
