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
   * One other member of the call as {@code welcome} describes them. {@code present}: they hold a
   * connection now (so this side makes the first offer to them); {@code parked}: they are in the call
   * but parked, their socket closed while their connections go on peer to peer (never both true);
   * {@code polite}: this side's part in perfect negotiation with them (the id that sorts first).
   */
  public record WelcomePeer(String peerId, boolean present, boolean parked, boolean polite) {
    Role role() {
      return present ? Role.OFFERER : Role.ANSWERER;
    }
  }

  /**
   * What {@code welcome} tells a connection that has joined its call: every other member, in the
   * order the link lists them (at least one).
   */
  public record Welcome(String sessionId, String userId, List<WelcomePeer> peers, long epoch, List<IceServer> iceServers) {
    public Welcome {
      peers = List.copyOf(peers);
      if (peers.isEmpty()) {
        throw new IllegalArgumentException("a call has at least one other member");
      }
    }
  }

  /**
   * The welcome. Its first fields describe the first other member, as the two-person welcome always
   * did (so a page that knows only pairs is told about its peer); {@code peers} lists everyone.
   */
  public static String welcome(Welcome w) {
    WelcomePeer first = w.peers().get(0);
    JsonObject o = typed(MessageType.WELCOME);
    o.addProperty("sessionId", w.sessionId());
    o.addProperty("userID", w.userId());
    o.addProperty("peerID", first.peerId());
    o.addProperty("role", first.role().wireName());
    o.addProperty("polite", first.polite());
    o.addProperty("peerPresent", first.present());
    o.addProperty("peerParked", first.parked());
    o.addProperty("epoch", w.epoch());
    JsonArray servers = new JsonArray();
    for (IceServer server : w.iceServers()) {
      servers.add(GSON.toJsonTree(server));
    }
    o.add("iceServers", servers);
    JsonArray peers = new JsonArray();
    for (WelcomePeer p : w.peers()) {
      JsonObject peer = new JsonObject();
      peer.addProperty("peerID", p.peerId());
      peer.addProperty("present", p.present());
      peer.addProperty("parked", p.parked());
      peer.addProperty("role", p.role().wireName());
      peer.addProperty("polite", p.polite());
      peers.add(peer);
    }
    o.add("peers", peers);
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

  /**
   * {@code peer-absent}: a message for {@code peerId} was dropped because they hold no socket. The
   * {@code peerID} says whose, which a page in a call of three or four cannot tell otherwise.
   */
  public static String peerAbsent(String peerId, String message) {
    JsonObject o = typed(MessageType.ERROR);
    o.addProperty("code", ErrorCode.PEER_ABSENT.wireCode());
    o.addProperty("message", message);
    o.addProperty("peerID", peerId);
    return GSON.toJson(o);
  }

  private static JsonObject typed(MessageType type) {
    JsonObject o = new JsonObject();
    o.addProperty("type", type.wireName());
    return o;
  }
}
