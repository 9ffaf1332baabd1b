package dev.videocall.contract.protocol;

import java.util.Optional;

/**
 * The {@code type} of every JSON frame on the browser's WebSocket (docs/protocol.md). The page's copy
 * is {@code web/js/wire.js}, checked by {@code WireVocabularyTest}.
 */
public enum MessageType {
  OFFER("offer", true),
  ANSWER("answer", true),
  CANDIDATE("candidate", true),
  BYE("bye", true),
  WELCOME("welcome", false),
  PEER_JOINED("peer-joined", false),
  PEER_LEFT("peer-left", false),
  ERROR("error", false);

  private final String wireName;
  private final boolean sentByClient;

  MessageType(String wireName, boolean sentByClient) {
    this.wireName = wireName;
    this.sentByClient = sentByClient;
  }

  public String wireName() {
    return wireName;
  }

  /** True for the four types a browser may send; the rest only come from the server. */
  public boolean sentByClient() {
    return sentByClient;
  }

  /** The client message type with this wire name, or empty for anything a client may not send. */
  public static Optional<MessageType> clientType(String wireName) {
    for (MessageType t : values()) {
      if (t.sentByClient && t.wireName.equals(wireName)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
