package dev.videocall.bench;

import com.google.gson.JsonObject;
import java.net.URI;

/**
 * peerjs-server, spoken to as the PeerJS browser client does: {@code /peerjs?key=&id=&token=}, an
 * {@code OPEN} on accept, and OFFER/ANSWER/CANDIDATE frames addressed with {@code dst}.
 */
final class PeerjsTarget implements Target {
  private final int port;

  PeerjsTarget(int port) {
    this.port = port;
  }

  @Override
  public String name() {
    return "peerjs-server";
  }

  @Override
  public String newSession() {
    return "";
  }

  @Override
  public URI socketUri(int pair, String self, String peer, String session) {
    return URI.create("ws://127.0.0.1:" + port + "/peerjs?key=peerjs&id=" + self + "&token=t" + pair);
  }

  @Override
  public boolean isAccepted(String frame) {
    return frame.contains("\"OPEN\"");
  }

  @Override
  public boolean needsPeerJoined() {
    return false;
  }

  @Override
  public boolean isPeerJoined(String frame) {
    return false;
  }

  @Override
  public String frame(Kind kind, String self, String peer, String body) {
    JsonObject payload = new JsonObject();
    payload.addProperty("connectionId", "mc_" + self);
    payload.addProperty("type", "media");
    if (kind == Kind.CANDIDATE) {
      JsonObject candidate = new JsonObject();
      candidate.addProperty("candidate", body);
      candidate.addProperty("sdpMid", "0");
      candidate.addProperty("sdpMLineIndex", 0);
      payload.add("candidate", candidate);
    } else {
      JsonObject sdp = new JsonObject();
      sdp.addProperty("type", kind == Kind.OFFER ? "offer" : "answer");
      sdp.addProperty("sdp", body);
      payload.add("sdp", sdp);
    }
    JsonObject o = new JsonObject();
    o.addProperty("type", kind.name());
    o.addProperty("dst", peer);
    o.add("payload", payload);
    return o.toString();
  }
}
