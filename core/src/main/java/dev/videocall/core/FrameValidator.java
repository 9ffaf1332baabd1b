package dev.videocall.core;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.videocall.contract.StrictJson;
import dev.videocall.contract.invite.UserIds;
import dev.videocall.contract.protocol.ErrorCode;
import dev.videocall.contract.protocol.MessageType;
import java.util.Optional;

/**
 * Turns a raw text frame into a {@link ClientMessage} or a documented refusal. Frames are read by
 * {@link StrictJson}, the one reader of JSON from outside: what is not strict JSON, starts with a
 * byte order mark or holds a string that is not Unicode text (an unpaired surrogate) is {@code
 * bad-json}; a name repeated in one object is {@code bad-message}. Pure; never throws for any input.
 */
public final class FrameValidator {
  private FrameValidator() {}

  /** The outcome of validating one frame. */
  public sealed interface Result {}

  public record Accepted(ClientMessage message) implements Result {}

  public record Refused(ErrorCode code, String message) implements Result {}

  public static Result validate(String frame) {
    if (frame == null) {
      return new Refused(ErrorCode.BAD_JSON, "empty frame");
    }
    // Check the largest cap before parsing so a huge frame costs no parse (the gateway caps at 64 KiB).
    int bytes = utf8Length(frame);
    if (bytes > Limits.MAX_SDP_FRAME_BYTES) {
      return new Refused(ErrorCode.TOO_LARGE, "frame of " + bytes + " bytes exceeds " + Limits.MAX_SDP_FRAME_BYTES);
    }
    JsonElement parsed;
    try {
      parsed = StrictJson.parse(frame);
    } catch (StrictJson.Invalid e) {
      // Well-formed JSON with a repeated name is a malformed message, not malformed JSON.
      return switch (e.problem()) {
        case DUPLICATE_NAME -> new Refused(ErrorCode.BAD_MESSAGE, e.getMessage());
        case NOT_UNICODE -> new Refused(ErrorCode.BAD_JSON, e.getMessage());
        case SYNTAX -> new Refused(ErrorCode.BAD_JSON, "frame is not valid JSON");
      };
    }
    if (!parsed.isJsonObject()) {
      return new Refused(ErrorCode.BAD_JSON, "frame is not a JSON object");
    }
    JsonObject json = parsed.getAsJsonObject();
    String typeName = string(json.get("type"));
    Optional<MessageType> maybeType = typeName == null ? Optional.empty() : MessageType.clientType(typeName);
    if (maybeType.isEmpty()) {
      return new Refused(ErrorCode.UNKNOWN_TYPE, "type must be one of offer, answer, candidate, bye");
    }
    MessageType type = maybeType.get();
    int cap = Limits.maxFrameBytes(type);
    if (bytes > cap) {
      return new Refused(ErrorCode.TOO_LARGE, type.wireName() + " frame of " + bytes + " bytes exceeds " + cap);
    }
    if (type == MessageType.BYE) {
      return new Accepted(new ClientMessage(type, new JsonObject()));
    }
    // Whom the message is for: whether that is someone in the call, only the router knows.
    JsonElement toElement = json.get("to");
    String to = null;
    if (isPresent(toElement)) {
      Optional<String> member = UserIds.normalize(string(toElement));
      if (member.isEmpty()) {
        return new Refused(ErrorCode.BAD_MESSAGE, "to must be the user ID of someone in the call");
      }
      to = member.get();
    }
    return switch (type) {
      case OFFER, ANSWER -> sessionDescription(type, json, to);
      case CANDIDATE -> candidate(json, to);
      default -> throw new IllegalStateException("not a relayed type: " + type);
    };
  }

  private static Result sessionDescription(MessageType type, JsonObject json, String to) {
    String sdp = string(json.get("sdp"));
    if (sdp == null || sdp.isEmpty()) {
      return new Refused(ErrorCode.BAD_MESSAGE, type.wireName() + " needs a non-empty string sdp");
    }
    JsonObject fields = new JsonObject();
    fields.addProperty("sdp", sdp);
    return new Accepted(new ClientMessage(type, fields, to));
  }

  private static Result candidate(JsonObject json, String to) {
    JsonElement iceElement = json.get("ice");
    if (iceElement == null || !iceElement.isJsonObject()) {
      return new Refused(ErrorCode.BAD_MESSAGE, "candidate needs an ice object");
    }
    JsonObject ice = iceElement.getAsJsonObject();
    String candidate = string(ice.get("candidate"));
    if (candidate == null) {
      return new Refused(ErrorCode.BAD_MESSAGE, "ice.candidate must be a string");
    }
    JsonElement mid = ice.get("sdpMid");
    JsonElement index = ice.get("sdpMLineIndex");
    JsonElement ufrag = ice.get("usernameFragment");
    boolean midPresent = isPresent(mid);
    boolean indexPresent = isPresent(index);
    if (midPresent && string(mid) == null) {
      return new Refused(ErrorCode.BAD_MESSAGE, "ice.sdpMid must be a string or null");
    }
    if (indexPresent && !isLineIndex(index)) {
      return new Refused(ErrorCode.BAD_MESSAGE, "ice.sdpMLineIndex must be a non-negative integer or null");
    }
    if (!midPresent && !indexPresent) {
      return new Refused(ErrorCode.BAD_MESSAGE, "ice needs sdpMid or sdpMLineIndex");
    }
    if (isPresent(ufrag) && string(ufrag) == null) {
      return new Refused(ErrorCode.BAD_MESSAGE, "ice.usernameFragment must be a string or null");
    }
    JsonObject cleanIce = new JsonObject();
    cleanIce.addProperty("candidate", candidate);
    cleanIce.add("sdpMid", midPresent ? mid : null);
    // Re-emit the index as a plain integer so "1.0" or "1e0" reach the browser as 1.
    cleanIce.add("sdpMLineIndex", indexPresent ? new JsonPrimitive((int) index.getAsDouble()) : null);
    if (isPresent(ufrag)) {
      cleanIce.add("usernameFragment", ufrag);
    }
    JsonObject fields = new JsonObject();
    fields.add("ice", cleanIce);
    return new Accepted(new ClientMessage(MessageType.CANDIDATE, fields, to));
  }

  private static boolean isPresent(JsonElement e) {
    return e != null && !e.isJsonNull();
  }

  private static boolean isLineIndex(JsonElement e) {
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      return false;
    }
    try {
      double d = e.getAsDouble();
      return d >= 0 && d <= 65535 && d == Math.rint(d);
    } catch (RuntimeException ex) {
      return false;
    }
  }

  private static String string(JsonElement e) {
    if (e instanceof JsonPrimitive p && p.isString()) {
      return p.getAsString();
    }
    return null;
  }

  /**
   * What {@code s.getBytes(UTF_8).length} says (an unpaired surrogate counts as the one byte, '?',
   * it would become), without making the bytes: the one place a frame's UTF-8 length is counted.
   */
  static int utf8Length(String s) {
    int n = s.length();
    int bytes = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          bytes += 1;
        } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          bytes += 2; // four bytes for the pair's two chars
          i++;
        } else if (!Character.isSurrogate(c)) {
          bytes += 2;
        }
      }
    }
    return bytes;
  }
}
