package dev.videocall.core;

import dev.videocall.contract.protocol.MessageType;

/**
 * The frames browsers send, read in one pass over the text: {@code JSON.stringify} of an offer,
 * answer, candidate or bye, with only the known members, no whitespace, and every string already
 * spelled exactly as the relayed frame spells it (Gson's writer: {@code \"}, {@code \\}, the short
 * escapes and {@code \\u00XX} for control characters; anything else as it is). The accepted values are
 * copied into the relayed frame as they stand, without decoding them.
 *
 * <p>{@link #read} returns null for anything else, however valid (whitespace, unknown or repeated
 * members, other escapes, numbers other than small plain integers, a refused message): {@link
 * FrameValidator#validateCarefully} then decides. So this class may decline anything, and must
 * never accept what the careful path would refuse or relay differently.
 */
final class FastFrame {
  private FastFrame() {}

  // Member bits; a member seen twice declines the frame (the careful path names the repeat).
  private static final int TYPE = 1;
  private static final int SDP = 2;
  private static final int ICE = 4;
  private static final int CANDIDATE = 8;
  private static final int MID = 16;
  private static final int INDEX = 32;
  private static final int UFRAG = 64;
  private static final MessageType[] TYPES = MessageType.values();
  /** The most ICE m-line index the careful path accepts. */
  private static final int MAX_LINE_INDEX = 65535;

  /** The accepted message, or null to let the careful path decide. */
  static ClientMessage read(String s) {
    return new FastFrame.Cursor(s).message();
  }

  /** One pass over one frame: positions of the values found, or a decline. */
  private static final class Cursor {
    private final String s;
    private int at;
    private int seen;
    private int typeStart;
    private int typeEnd;
    private int sdpStart = -1;
    private int sdpEnd;
    private int candidateStart;
    private int candidateEnd;
    private int midStart = -1; // -1: absent, else the value (a string, or the literal null)
    private int midEnd;
    private int index = -1; // -1: absent or null
    private boolean indexPresent;
    private int ufragStart = -1;
    private int ufragEnd;
    private int iceStart;
    private int iceEnd;
    /** The ice members came in the order the relayed frame writes them. */
    private boolean iceInOrder = true;
    private int lastIceBit;

    Cursor(String s) {
      this.s = s;
    }

    ClientMessage message() {
      if (!object(false) || at != s.length()) {
        return null;
      }
      MessageType type = type();
      if (type == null) {
        return null;
      }
      return switch (type) {
        case OFFER, ANSWER -> seen == (TYPE | SDP) && sdpEnd - sdpStart > 2
            ? new ClientMessage(type, new Span(s, sdpStart - "\"sdp\":".length(), sdpEnd))
            : null;
        case CANDIDATE -> seen == (seen & (TYPE | ICE | CANDIDATE | MID | INDEX | UFRAG)) && (seen & (TYPE | ICE | CANDIDATE)) == (TYPE | ICE | CANDIDATE)
            && (midPresent() || indexPresent)
            ? new ClientMessage(type, iceAsWritten() ? new Span(s, iceStart - "\"ice\":".length(), iceEnd) : candidateMembers())
            : null;
        case BYE -> seen == TYPE ? new ClientMessage(type, "") : null;
        default -> null;
      };
    }

    private boolean midPresent() {
      return midStart >= 0 && !s.startsWith("null", midStart);
    }

    /**
     * The ice object is already as the careful path writes it (RTCIceCandidate.toJSON() writes its
     * members in this order): candidate, sdpMid and sdpMLineIndex, then usernameFragment unless it
     * is absent; a null usernameFragment is dropped, so it is not.
     */
    private boolean iceAsWritten() {
      return iceInOrder && midStart >= 0 && (seen & INDEX) != 0 && (ufragStart < 0 || !s.startsWith("null", ufragStart));
    }

    /** The ice object as the careful path writes it: candidate, sdpMid, sdpMLineIndex, usernameFragment if present. */
    private String candidateMembers() {
      StringBuilder b = new StringBuilder(candidateEnd - candidateStart + 96 + (ufragStart < 0 ? 0 : ufragEnd - ufragStart));
      b.append("\"ice\":{\"candidate\":").append(s, candidateStart, candidateEnd).append(",\"sdpMid\":");
      if (midPresent()) {
        b.append(s, midStart, midEnd);
      } else {
        b.append("null");
      }
      b.append(",\"sdpMLineIndex\":");
      if (indexPresent) {
        b.append(index);
      } else {
        b.append("null");
      }
      if (ufragStart >= 0 && !s.startsWith("null", ufragStart)) {
        b.append(",\"usernameFragment\":").append(s, ufragStart, ufragEnd);
      }
      return b.append('}').toString();
    }

    private MessageType type() {
      if ((seen & TYPE) == 0) {
        return null;
      }
      for (MessageType t : TYPES) {
        String name = t.wireName();
        if (t.sentByClient() && typeEnd - typeStart == name.length() + 2 && s.startsWith(name, typeStart + 1)) {
          return t;
        }
      }
      return null;
    }

    /** An object of known members, {@code at} on its '{'; true with {@code at} past its '}'. */
    private boolean object(boolean ice) {
      if (!next('{')) {
        return false;
      }
      if (next('}')) {
        return true;
      }
      do {
        int bit = name(ice);
        if (bit == 0 || (seen & bit) != 0 || !next(':')) {
          return false;
        }
        seen |= bit;
        if (ice) {
          iceInOrder &= bit > lastIceBit;
          lastIceBit = bit;
        }
        if (!value(bit)) {
          return false;
        }
      } while (next(','));
      return next('}');
    }

    private boolean value(int bit) {
      int start = at;
      boolean ok = switch (bit) {
        case TYPE, SDP, CANDIDATE -> string();
        case ICE -> object(true);
        case MID, UFRAG -> s.startsWith("null", at) ? skip(4) : string();
        case INDEX -> s.startsWith("null", at) ? skip(4) : lineIndex();
        default -> false;
      };
      switch (bit) {
        case TYPE -> {
          typeStart = start;
          typeEnd = at;
        }
        case SDP -> {
          sdpStart = start;
          sdpEnd = at;
        }
        case CANDIDATE -> {
          candidateStart = start;
          candidateEnd = at;
        }
        case MID -> {
          midStart = start;
          midEnd = at;
        }
        case UFRAG -> {
          ufragStart = start;
          ufragEnd = at;
        }
        case ICE -> {
          iceStart = start;
          iceEnd = at;
        }
        default -> {
          // the index is kept by lineIndex()
        }
      }
      return ok;
    }

    /** The member name's bit: type, sdp and ice at the top, the candidate's four inside ice; else 0. */
    private int name(boolean ice) {
      if (ice) {
        return match("\"candidate\"") ? CANDIDATE
            : match("\"sdpMid\"") ? MID
            : match("\"sdpMLineIndex\"") ? INDEX
            : match("\"usernameFragment\"") ? UFRAG
            : 0;
      }
      return match("\"type\"") ? TYPE : match("\"sdp\"") ? SDP : match("\"ice\"") ? ICE : 0;
    }

    private boolean match(String quoted) {
      return s.startsWith(quoted, at) && skip(quoted.length());
    }

    /**
     * A string spelled as Gson's writer spells it: no raw control character, U+2028 or U+2029, and
     * only the escapes the writer makes. {@code at} past its closing quote.
     */
    private boolean string() {
      if (!next('"')) {
        return false;
      }
      int n = s.length();
      while (at < n) {
        char c = s.charAt(at++);
        if (c == '"') {
          return true;
        }
        if (c < 0x20 || c == '\u2028' || c == '\u2029') {
          return false;
        }
        if (c == '\\') {
          if (at >= n) {
            return false;
          }
          char e = s.charAt(at++);
          switch (e) {
            case '"', '\\', 'b', 't', 'n', 'f', 'r' -> {}
            case 'u' -> {
              if (!controlEscape()) {
                return false;
              }
            }
            default -> {
              return false;
            }
          }
        }
      }
      return false;
    }

    /** After a backslash and u: a control character without a short escape in lower-case hex ({@code 00XX}), or U+2028/U+2029. */
    private boolean controlEscape() {
      if (at + 4 > s.length()) {
        return false;
      }
      char a = s.charAt(at);
      char b = s.charAt(at + 1);
      char c = s.charAt(at + 2);
      char d = s.charAt(at + 3);
      at += 4;
      if (a == '2' && b == '0' && c == '2' && (d == '8' || d == '9')) {
        return true;
      }
      int low = d >= '0' && d <= '9' ? d - '0' : d >= 'a' && d <= 'f' ? d - 'a' + 10 : -1;
      if (a != '0' || b != '0' || (c != '0' && c != '1') || low < 0) {
        return false;
      }
      int v = (c - '0') * 16 + low;
      return v != '\b' && v != '\t' && v != '\n' && v != '\f' && v != '\r';
    }

    /** A plain non-negative integer without leading zeros, at most {@link #MAX_LINE_INDEX}. */
    private boolean lineIndex() {
      int start = at;
      int v = 0;
      while (at < s.length() && s.charAt(at) >= '0' && s.charAt(at) <= '9' && at - start < 6) {
        v = v * 10 + (s.charAt(at++) - '0');
      }
      int digits = at - start;
      if (digits == 0 || digits > 5 || (digits > 1 && s.charAt(start) == '0') || v > MAX_LINE_INDEX) {
        return false;
      }
      if (at < s.length() && (s.charAt(at) == '.' || s.charAt(at) == 'e' || s.charAt(at) == 'E' || Character.isDigit(s.charAt(at)))) {
        return false;
      }
      index = v;
      indexPresent = true;
      return true;
    }

    private boolean next(char c) {
      if (at < s.length() && s.charAt(at) == c) {
        at++;
        return true;
      }
      return false;
    }

    private boolean skip(int n) {
      at += n;
      return true;
    }
  }
}
