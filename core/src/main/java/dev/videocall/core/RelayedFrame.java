package dev.videocall.core;

/**
 * The frame a peer receives, as a view over its three parts instead of a copy of them: the opening
 * with the type, the known fields as the sender spelled them (a {@link Span} of the received
 * frame), and the {@code from} member the server adds. The gateway encodes it straight into the
 * socket's buffer, so a relayed message's text is never copied into a String of its own
 * (docs/performance.md); {@link #toString} makes one where a String is needed (the cloud path's
 * JSON, tests). Immutable: every part is.
 */
final class RelayedFrame implements CharSequence {
  private final String head;
  private final Span members;
  private final String tail;

  /**
   * Known fields the careful path wrote out as a String become a Span of it, so every part is read
   * through String: the gateway's encoding loop then sees one receiver type whatever path validated
   * the message.
   */
  RelayedFrame(String head, CharSequence members, String tail) {
    this.head = head;
    this.members = members instanceof Span span ? span : Span.of(members.toString());
    this.tail = tail;
  }

  @Override
  public int length() {
    return head.length() + members.length() + tail.length();
  }

  @Override
  public char charAt(int index) {
    int i = index;
    if (i < head.length()) {
      return head.charAt(i);
    }
    i -= head.length();
    if (i < members.length()) {
      return members.charAt(i);
    }
    return tail.charAt(i - members.length());
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return toString().substring(start, end);
  }

  @Override
  public String toString() {
    return new StringBuilder(length())
        .append(head)
        .append(members.source(), members.start(), members.end())
        .append(tail)
        .toString();
  }
}
