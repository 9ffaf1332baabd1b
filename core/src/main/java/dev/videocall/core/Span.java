package dev.videocall.core;

/**
 * Part of a String, without copying it: the known fields of a received frame as {@link FastFrame}
 * found them, kept until they are written into the relayed frame. The relay reads it char by char
 * ({@link RelayedFrame}), always through String, so the JIT sees one receiver type there.
 */
record Span(String source, int start, int end) implements CharSequence {

  Span {
    if (start < 0 || end < start || end > source.length()) {
      throw new IndexOutOfBoundsException("span " + start + ".." + end + " of " + source.length());
    }
  }

  /** All of {@code text}. */
  static Span of(String text) {
    return new Span(text, 0, text.length());
  }

  @Override
  public int length() {
    return end - start;
  }

  @Override
  public char charAt(int index) {
    return source.charAt(start + index);
  }

  @Override
  public CharSequence subSequence(int from, int to) {
    return new Span(source, start + from, start + to);
  }

  @Override
  public boolean isEmpty() {
    return start == end;
  }

  @Override
  public String toString() {
    return source.substring(start, end);
  }
}
