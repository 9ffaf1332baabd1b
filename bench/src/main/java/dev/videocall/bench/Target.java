package dev.videocall.bench;

import java.net.URI;

/**
 * One signaling server under test, spoken to in its own protocol. The bench's message pattern is the
 * same for every target; only the framing differs.
 */
interface Target {
  /** A short name for tables: "videocall" or "peerjs-server". */
  String name();

  /** The WebSocket address for user {@code self} of pair {@code pair}, whose peer is {@code peer}. */
  URI socketUri(int pair, String self, String peer, String session);

  /** A fresh call id for a pair (ours needs one in the link; peerjs-server does not). */
  String newSession();

  /** True when this frame means the server accepted the socket (our welcome, peerjs-server's OPEN). */
  boolean isAccepted(String frame);

  /** True when this frame tells a waiting socket that its peer arrived (ours only; peerjs has no presence). */
  boolean needsPeerJoined();

  boolean isPeerJoined(String frame);

  /** A frame of {@code kind} from {@code self} to {@code peer} whose body is {@code body}. */
  String frame(Kind kind, String self, String peer, String body);

  enum Kind {
    OFFER,
    ANSWER,
    CANDIDATE
  }
}
