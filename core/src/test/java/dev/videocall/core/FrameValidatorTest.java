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

  @Test
  void framesAsBrowsersWriteThemTakeTheFastPathAndRelayAsTheCarefulOne() {
    for (String frame : new String[] {
        "{\"type\":\"offer\",\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\n\"}",
        "{\"type\":\"answer\",\"sdp\":\"v=0\\r\\n\\\"q\\\"\\\\ \\u001f é 😀\"}",
        "{\"type\":\"candidate\",\"ice\":{\"candidate\":\"candidate:1 1 udp 2122260223 192.168.1.2 54321 typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":\"abcd\"}}",
        "{\"type\":\"candidate\",\"ice\":{\"sdpMLineIndex\":65535,\"candidate\":\"\",\"usernameFragment\":null,\"sdpMid\":null}}",
        "{\"type\":\"candidate\",\"ice\":{\"candidate\":\"c\",\"sdpMid\":\"audio\"}}",
        "{\"type\":\"bye\"}"}) {
      ClientMessage fast = FastFrame.read(frame);
      Accepted careful = assertInstanceOf(Accepted.class, FrameValidator.validateCarefully(frame), frame);
      assertEquals(careful.message().relayed("alice"), assertInstanceOf(ClientMessage.class, fast, frame).relayed("alice"), frame);
    }
    // Valid, but left to the careful path: whitespace, other escapes, numbers that are not plain, extra members.
    for (String frame : new String[] {
        "{ \"type\":\"bye\"}", "{\"type\":\"offer\",\"sdp\":\"a\\/b\"}", "{\"type\":\"offer\",\"sdp\":\"\\u0041\"}",
        "{\"type\":\"candidate\",\"ice\":{\"candidate\":\"c\",\"sdpMLineIndex\":1.0}}", "{\"type\":\"bye\",\"x\":1}"}) {
      assertEquals(null, FastFrame.read(frame), frame);
      assertInstanceOf(Accepted.class, FrameValidator.validate(frame), frame);
    }
  }
}
