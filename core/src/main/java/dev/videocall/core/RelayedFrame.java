package dev.videocall.core;

/**
 * The frame a peer receives, as a view over its three parts instead of a copy of them: the opening
 * with the type, the known fields as the sender spelled them (themselves a view into the received
 * frame), and the {@code from} member the server adds. The gateway encodes it straight into the
 * socket's buffer, so a relayed message's text is never copied into a String of its own
 * (docs/performance.md); {@link #toString} makes one where a String is needed (the cloud path's
 * JSON, tests). Immutable: every part is.
 */
final class RelayedFrame implements CharSequence {
  private final String head;
  /** The known fields: {@code source} from {@code start}, as long as {@code membersEnd} allows. */
  private final String source;
  private final int start;
  private final String tail;
  private final int membersEnd;

  /**
   * Every part is read through String (a {@link Span}'s own String, or the text itself), so the
   * char-by-char loops that encode a frame see one receiver type whatever path validated it.
   */
  RelayedFrame(String head, CharSequence members, String tail) {
    this.head = head;
    if (members instanceof Span span) {
      this.source = span.source();
      this.start = span.start();
    } else {
      this.source = members.toString();
      this.start = 0;
    }
    this.tail = tail;
    this.membersEnd = head.length() + members.length();
  }

  @Override
  public int length() {
    return membersEnd + tail.length();
  }

  @Override
  public char charAt(int index) {
    if (index < head.length()) {
      return head.charAt(index);
    }
    if (index < membersEnd) {
      return source.charAt(start + index - head.length());
    }
    return tail.charAt(index - membersEnd);
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return toString().substring(start, end);
  }

  @Override
  public String toString() {
    return new StringBuilder(length())
        .append(head)
        .append(source, start, start + membersEnd - head.length())
        .append(tail)
        .toString();
  }
}
