package dev.videocall.bench;

import com.google.gson.JsonObject;
import dev.videocall.contract.invite.InviteTokens;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Our gateway, spoken to exactly as the page does: invite links, welcome, relayed offer/answer/candidate.
 * Each pair's first person connects to {@code portA} and the second to {@code portB} (the same port for
 * the embedded stack; two gateway instances for the emulated cloud).
 */
final class VideocallTarget implements Target {
  private final String name;
  private final int portA;
  private final int portB;
  private final InviteTokens tokens;

  VideocallTarget(int port, InviteTokens tokens) {
    this("videocall", port, port, tokens);
  }

  VideocallTarget(String name, int portA, int portB, InviteTokens tokens) {
    this.name = name;
    this.portA = portA;
    this.portB = portB;
    this.tokens = tokens;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String newSession() {
    return tokens.newSessionId();
  }

  @Override
  public URI socketUri(int pair, String self, String peer, String session) {
    String token = tokens.mint(session, self, peer, Instant.now().plusSeconds(3600));
    int port = self.startsWith("a") ? portA : portB;
    return URI.create("ws://127.0.0.1:" + port + "/video/connections?userID=" + self + "&peerID=" + peer
        + "&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
  }

  @Override
  public boolean isAccepted(String frame) {
    return frame.startsWith("{\"type\":\"welcome\"");
  }

  @Override
  public boolean needsPeerJoined() {
    return true;
  }

  @Override
  public boolean isPeerJoined(String frame) {
    return frame.startsWith("{\"type\":\"peer-joined\"");
  }

  @Override
  public String frame(Kind kind, String self, String peer, String body) {
    JsonObject o = new JsonObject();
    switch (kind) {
      case OFFER -> {
        o.addProperty("type", "offer");
        o.addProperty("sdp", body);
      }
      case ANSWER -> {
        o.addProperty("type", "answer");
        o.addProperty("sdp", body);
      }
      case CANDIDATE -> {
        o.addProperty("type", "candidate");
        JsonObject ice = new JsonObject();
        ice.addProperty("candidate", body);
        ice.addProperty("sdpMid", "0");
        ice.addProperty("sdpMLineIndex", 0);
        o.add("ice", ice);
      }
    }
    return o.toString();
  }
}
