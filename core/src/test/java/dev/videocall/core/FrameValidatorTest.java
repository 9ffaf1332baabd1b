package dev.videocall.core;

import dev.videocall.contract.protocol.ErrorCode;
import dev.videocall.contract.protocol.MessageType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.google.gson.JsonParser;
import dev.videocall.core.FrameValidator.Accepted;
import dev.videocall.core.FrameValidator.Refused;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FrameValidatorTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not json                                         | BAD_JSON",
        "[1,2]                                            | BAD_JSON",
        "\"offer\"                                        | BAD_JSON",
        "{\"type\":\"hello\"}                             | UNKNOWN_TYPE",
        "{\"sdp\":\"v=0\"}                                | UNKNOWN_TYPE",
        "{\"type\":7}                                     | UNKNOWN_TYPE",
        "{\"type\":\"offer\"}                             | BAD_MESSAGE",
        "{\"type\":\"offer\",\"sdp\":\"\"}                | BAD_MESSAGE",
        "{\"type\":\"answer\",\"sdp\":{}}                 | BAD_MESSAGE",
        "{\"type\":\"candidate\"}                         | BAD_MESSAGE",
        "{\"type\":\"candidate\",\"ice\":\"x\"}           | BAD_MESSAGE",
        "{\"type\":\"candidate\",\"ice\":{\"candidate\":1,\"sdpMid\":\"0\"}} | BAD_MESSAGE",
        "{\"type\":\"candidate\",\"ice\":{\"candidate\":\"c\"}}               | BAD_MESSAGE",
        "{\"type\":\"candidate\",\"ice\":{\"candidate\":\"c\",\"sdpMLineIndex\":-1}} | BAD_MESSAGE",
        "{\"type\":\"candidate\",\"ice\":{\"candidate\":\"c\",\"sdpMLineIndex\":1.5}} | BAD_MESSAGE",
        "{\"type\":\"candidate\",\"ice\":{\"candidate\":\"c\",\"sdpMid\":5}}  | BAD_MESSAGE",
      })
  void refusesWithTheDocumentedCode(String frame, ErrorCode expected) {
    Refused r = assertInstanceOf(Refused.class, FrameValidator.validate(frame));
    assertEquals(expected, r.code(), r.message());
  }

  @Test
  void framesAreStrictJsonAndARepeatedNameIsABadMessage() {
    for (String lenient : new String[] {"{type:\"bye\"}", "{'type':'bye'}", "{\"type\":\"bye\"} {\"type\":\"bye\"}",
        "{\"type\":\"bye\",}", "{\"type\":\"bye\"}//"}) {
      assertEquals(ErrorCode.BAD_JSON, refused(lenient), lenient);
    }
    // The finding: the last "type" used to win, so an offer carrying a second type hung up the call.
    for (String twice : new String[] {"{\"type\":\"offer\",\"sdp\":\"v=0\",\"type\":\"bye\"}", "{\"type\":\"bye\",\"type\":\"bye\"}",
        "{\"type\":\"candidate\",\"ice\":{\"candidate\":\"c\",\"sdpMid\":\"0\",\"sdpMid\":\"1\"}}"}) {
      assertEquals(ErrorCode.BAD_MESSAGE, refused(twice), twice);
    }
  }

  @Test
  void capsEachTypeAtItsOwnSize() {
    String bigSdp = "v=0" + "a".repeat(Limits.MAX_SDP_FRAME_BYTES);
    assertEquals(ErrorCode.TOO_LARGE, refused("{\"type\":\"offer\",\"sdp\":\"" + bigSdp + "\"}"));
    String bigCandidate = "c".repeat(Limits.MAX_CANDIDATE_FRAME_BYTES);
    assertEquals(ErrorCode.TOO_LARGE, refused("{\"type\":\"candidate\",\"ice\":{\"candidate\":\"" + bigCandidate + "\",\"sdpMid\":\"0\"}}"));
    assertEquals(ErrorCode.TOO_LARGE, refused("{\"type\":\"bye\",\"pad\":\"" + "x".repeat(300) + "\"}"));
    // Multi-byte characters count as bytes, not chars.
    String euro = "€".repeat(Limits.MAX_CANDIDATE_FRAME_BYTES / 3 + 1);
    assertEquals(ErrorCode.TOO_LARGE, refused("{\"type\":\"candidate\",\"ice\":{\"candidate\":\"" + euro + "\",\"sdpMid\":\"0\"}}"));
  }

  @Test
  void acceptsARealOfferUnderItsCap() {
    String sdp = "v=0\\r\\n" + "a=candidate:x\\r\\n".repeat(1000);
    Accepted a = assertInstanceOf(Accepted.class, FrameValidator.validate("{\"type\":\"offer\",\"sdp\":\"" + sdp + "\"}"));
    assertEquals(MessageType.OFFER, a.message().type());
  }

  @Test
  void relaysOnlyKnownFieldsWithTheBoundSender() {
    Accepted a = assertInstanceOf(Accepted.class, FrameValidator.validate(
        "{\"type\":\"candidate\",\"from\":\"mallory\",\"to\":\"eve\",\"extra\":1,"
            + "\"ice\":{\"candidate\":\"candidate:1 1 udp 1 10.0.0.1 5000 typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0.0,\"x\":2}}"));
    var relayed = JsonParser.parseString(a.message().relayed("alice")).getAsJsonObject();
    assertEquals("alice", relayed.get("from").getAsString());
    assertEquals(null, relayed.get("to"));
    assertEquals(null, relayed.get("extra"));
    assertEquals("{\"candidate\":\"candidate:1 1 udp 1 10.0.0.1 5000 typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}",
        relayed.get("ice").toString());
  }

  /** Whom a message is for: a user id (lower-cased as ids are), null as if absent, anything else refused. */
  @Test
  void toIsReadAsAUserIdAndNeverRelayed() {
    Accepted a = assertInstanceOf(Accepted.class, FrameValidator.validate("{\"type\":\"offer\",\"sdp\":\"v=0\",\"to\":\"Carol\"}"));
    assertEquals("carol", a.message().to());
    assertEquals(null, JsonParser.parseString(a.message().relayed("alice")).getAsJsonObject().get("to"));
    Accepted none = assertInstanceOf(Accepted.class, FrameValidator.validate("{\"type\":\"answer\",\"sdp\":\"v=0\",\"to\":null}"));
    assertEquals(null, none.message().to());
    for (String to : new String[] {"5", "\"\"", "\"b o b\"", "\"\u212Aim\"", "[\"bob\"]", "{}", "true", "\"bob,carol\""}) {
      assertEquals(ErrorCode.BAD_MESSAGE, refused("{\"type\":\"offer\",\"sdp\":\"v=0\",\"to\":" + to + "}"), to);
    }
    Accepted bye = assertInstanceOf(Accepted.class, FrameValidator.validate("{\"type\":\"bye\",\"to\":5}"));
    assertEquals(null, bye.message().to(), "bye is for nobody: its to is not read");
  }

  @Test
  void acceptsEndOfCandidatesAndNullMid() {
    assertInstanceOf(Accepted.class, FrameValidator.validate("{\"type\":\"candidate\",\"ice\":{\"candidate\":\"\",\"sdpMid\":null,\"sdpMLineIndex\":0}}"));
    assertInstanceOf(Accepted.class, FrameValidator.validate("{\"type\":\"bye\"}"));
  }

  @Test
  void deepNestingIsRefusedNotThrown() {
    String deep = "[".repeat(100_000);
    assertEquals(ErrorCode.TOO_LARGE, refused(deep));
    String deepButSmall = "{\"type\":\"offer\",\"sdp\":\"v\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
    assertInstanceOf(FrameValidator.Result.class, FrameValidator.validate(deepButSmall));
  }

  private static ErrorCode refused(String frame) {
    return assertInstanceOf(Refused.class, FrameValidator.validate(frame)).code();
  }

  /** JSON.parse refuses a byte order mark before the JSON; so does the core (Gson alone would skip it). */
  @Test
  void aLeadingByteOrderMarkIsBadJson() {
    Refused r = assertInstanceOf(Refused.class, FrameValidator.validate("\uFEFF{\"type\":\"bye\"}"));
    assertEquals(ErrorCode.BAD_JSON, r.code());
  }

  /**
   * JSON.stringify writes a string holding half of a surrogate pair with the half escaped. It is not
   * text: UTF-8 cannot carry it, so relaying it would change it (the peer used to get '?'). It is
   * refused with a message that says so, wherever it is in the frame; a whole pair is relayed as sent.
   */
  @Test
  void aStringWithAnUnpairedSurrogateIsBadJsonAndAPairIsRelayedAsSent() {
    for (String frame : new String[] {
        "{\"type\":\"offer\",\"sdp\":\"v=0 \\ud800\"}",
        "{\"type\":\"candidate\",\"ice\":{\"candidate\":\"c\",\"sdpMid\":\"\\udfff\"}}",
        "{\"type\":\"bye\",\"ignored\":\"\\udc00\"}"}) {
      Refused r = assertInstanceOf(Refused.class, FrameValidator.validate(frame), frame);
      assertEquals(ErrorCode.BAD_JSON, r.code(), frame);
      assertEquals(true, r.message().contains("unpaired surrogate"), r.message());
    }
    Accepted a = assertInstanceOf(Accepted.class, FrameValidator.validate("{\"type\":\"offer\",\"sdp\":\"v=0 \\ud83d\\ude00\"}"));
    assertEquals("v=0 \ud83d\ude00", JsonParser.parseString(a.message().relayed("bob")).getAsJsonObject().get("sdp").getAsString());
  }

  @Test
  void framesAsBrowsersWriteThemAreRelayedWithTheirKnownFieldsAndTheSender() {
    // Gson escapes U+2028 where JSON.stringify does not: the same string either way.
    assertEquals("{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\\\"q\\\"\\\\ \\u001f é 😀\\u2028\",\"from\":\"alice\"}",
        relayed("{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\\\"q\\\"\\\\ \\u001f é 😀\u2028\"}"));
    assertEquals("{\"type\":\"candidate\",\"ice\":{\"candidate\":\"\",\"sdpMid\":null,\"sdpMLineIndex\":65535},\"from\":\"alice\"}",
        relayed("{\"type\":\"candidate\",\"ice\":{\"sdpMLineIndex\":65535,\"candidate\":\"\",\"usernameFragment\":null,\"sdpMid\":null}}"));
    assertEquals("{\"type\":\"bye\",\"from\":\"alice\"}", relayed("{ \"type\" : \"bye\" }"));
    // Escapes a browser never writes read as what they stand for.
    assertEquals("{\"type\":\"offer\",\"sdp\":\"a/bA\",\"from\":\"alice\"}", relayed("{\"type\":\"offer\",\"sdp\":\"a\\/b\\u0041\"}"));
  }

  private static String relayed(String frame) {
    return assertInstanceOf(Accepted.class, FrameValidator.validate(frame), frame).message().relayed("alice");
  }
}
