package dev.videocall.contract.protocol;

/** Why a peer is no longer in the call ({@code peer-left}'s {@code reason}). */
public enum LeaveReason {
  /** They sent {@code bye}. */
  HANGUP("hangup"),
  /** Their WebSocket closed; they may come back. */
  DISCONNECTED("disconnected"),
  /** Their gateway stopped beating; the sweeper removed them. */
  TIMEOUT("timeout");

  private final String wireName;

  LeaveReason(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
