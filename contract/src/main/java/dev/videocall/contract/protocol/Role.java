package dev.videocall.contract.protocol;

/** Who makes the first offer ({@code welcome} and {@code peer-joined}'s {@code role}). */
public enum Role {
  /** The peer was already there: you send the offer. */
  OFFERER("offerer"),
  /** You wait for the peer; they send the offer. */
  ANSWERER("answerer");

  private final String wireName;

  Role(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
