package dev.videocall.core;

import dev.videocall.contract.protocol.ErrorCode;
import dev.videocall.contract.invite.UserIds;
import dev.videocall.contract.invite.SigningKeys;
import dev.videocall.contract.invite.InviteTokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.videocall.contract.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random and mutated input to every parser and validator of the core and the contract: nothing may
 * escape as an exception, and every refusal must be one of the documented answers. 100,000 tries
 * each (about a quarter random text, the rest mutations of valid input).
 */
class ParserFuzzTest {
  static final int TRIES = 100_000;
  static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  static final InviteTokens TOKENS = new InviteTokens(SigningKeys.of("k1", "0123456789abcdef0123456789abcdef".getBytes()));
  static final String VALID_TOKEN = TOKENS.mint("SESSION0123456789ab", "alice", "bob", NOW.plusSeconds(60));
  static final CallsApi CALLS = new CallsApi(new CallCreator(TOKENS, Duration.ofHours(1), () -> NOW));

  static final List<String> VALID_FRAMES = List.of(
      "{\"type\":\"offer\",\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\n\"}",
      "{\"type\":\"answer\",\"sdp\":\"v=0\\r\\n\"}",
      "{\"type\":\"candidate\",\"ice\":{\"candidate\":\"candidate:1 1 udp 2122260223 192.168.1.2 54321 typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":\"abcd\"}}",
      "{\"type\":\"bye\"}");
  static final List<String> VALID_ENVELOPES = List.of(
      "{\"connectionId\":\"c1\",\"gatewayId\":\"g\",\"event\":\"FRAME\",\"seq\":3,\"userId\":\"alice\",\"peerId\":\"bob\",\"token\":\"t\",\"payload\":\"{}\"}",
      "{\"gatewayId\":\"g\",\"connectionId\":\"c2\",\"originConnectionId\":\"c1\",\"originSeq\":1,\"part\":0,\"frame\":\"{}\",\"closeCode\":4001}");

  /** Random text, or a valid sample with a few random edits. */
  static Arbitrary<String> mutationsOf(List<String> samples) {
    Arbitrary<String> random = Arbitraries.strings().all().ofMaxLength(400);
    Arbitrary<String> structural = Arbitraries.strings().withChars("{}[]\":,\\ 0123456789-.etruflsnabcdoyp").ofMaxLength(200);
    Arbitrary<String> mutated = Combinators.combine(
            Arbitraries.of(samples),
            Arbitraries.integers().between(0, 10_000).list().ofMinSize(1).ofMaxSize(6),
            Arbitraries.chars().all().list().ofMinSize(6).ofMaxSize(6))
        .as((sample, positions, chars) -> {
          StringBuilder s = new StringBuilder(sample);
          for (int i = 0; i < positions.size(); i++) {
            int at = positions.get(i) % (s.length() + 1);
            switch (positions.get(i) % 3) {
              case 0 -> s.insert(at, chars.get(i));
              case 1 -> {
                if (at < s.length()) s.deleteCharAt(at);
              }
              default -> {
                if (at < s.length()) s.setCharAt(at, chars.get(i));
              }
            }
          }
          return s.toString();
        });
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, random), net.jqwik.api.Tuple.of(1, structural), net.jqwik.api.Tuple.of(4, mutated));
  }

  @Provide
  Arbitrary<String> frames() {
    return mutationsOf(VALID_FRAMES);
  }

  @Provide
  Arbitrary<String> envelopes() {
    return mutationsOf(VALID_ENVELOPES);
  }

  @Provide
  Arbitrary<String> tokens() {
    return mutationsOf(List.of(VALID_TOKEN));
  }

  @Provide
  Arbitrary<String> callRequests() {
    return mutationsOf(List.of("{\"users\":[\"alice\",\"bob\"]}"));
  }

  @Property(tries = TRIES)
  void framesAreAcceptedOrRefusedWithADocumentedCode(@ForAll("frames") String frame) {
    assertRelayedAsSentOrRefused(frame);
  }

  /**
   * Whatever is accepted is relayed as well-formed JSON naming the bound sender (whatever its
   * characters), with the known fields' values exactly as sent; anything else gets a documented code.
   */
  static void assertRelayedAsSentOrRefused(String frame) {
    FrameValidator.Result r = FrameValidator.validate(frame);
    if (r instanceof FrameValidator.Refused refused) {
      assertTrue(Set.of(ErrorCode.BAD_JSON, ErrorCode.UNKNOWN_TYPE, ErrorCode.BAD_MESSAGE, ErrorCode.TOO_LARGE).contains(refused.code()));
      assertNotNull(refused.message());
      return;
    }
    ClientMessage m = ((FrameValidator.Accepted) r).message();
    JsonObject sent = JsonParser.parseString(frame).getAsJsonObject();
    for (String from : List.of("alice", "o\"brien\u2028")) {
      String text = m.relayed(from);
      assertEquals(text, new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8), "UTF-8 carries it unchanged");
      JsonObject relayed = JsonParser.parseString(text).getAsJsonObject();
      assertEquals(from, relayed.get("from").getAsString());
      assertEquals(sent.get("type"), relayed.get("type"), frame);
      assertTrue(Set.of("type", "sdp", "ice", "from").containsAll(relayed.keySet()), text);
      for (String field : List.of("sdp", "ice")) {
        if (relayed.has(field)) {
          assertKnownFieldsAsSent(sent.get(field), relayed.get(field), frame);
        }
      }
    }
  }

  /** Every value relayed is the one sent (a line index as the same number); nothing relayed was not sent. */
  private static void assertKnownFieldsAsSent(JsonElement sent, JsonElement relayed, String frame) {
    if (relayed.isJsonObject()) {
      relayed.getAsJsonObject().asMap().forEach((name, value) ->
          assertKnownFieldsAsSent(sent.getAsJsonObject().get(name) == null ? JsonNull.INSTANCE : sent.getAsJsonObject().get(name), value, frame));
    } else if (relayed.isJsonPrimitive() && relayed.getAsJsonPrimitive().isNumber()) {
      assertEquals(sent.getAsDouble(), relayed.getAsDouble(), frame);
    } else {
      assertEquals(sent, relayed, frame);
    }
  }

  @Property(tries = TRIES)
  void envelopesAndDeliveriesDecodeOrFailWithOneException(@ForAll("envelopes") String json) {
    for (Runnable decode : List.<Runnable>of(() -> WireCodec.decodeEnvelope(json), () -> WireCodec.decodeDeliveries(json))) {
      try {
        decode.run();
      } catch (WireCodec.MalformedWireMessageException expected) {
        // the one documented failure
      }
    }
  }

  @Property(tries = TRIES)
  void tokensVerifyOnlyWhenGenuine(@ForAll("tokens") String token) {
    InviteTokens.Check check = TOKENS.verify(token, "alice", "bob", NOW);
    if (check instanceof InviteTokens.Verified) {
      assertEquals(VALID_TOKEN, token, "only the genuine token verifies");
    }
  }

  @Property(tries = TRIES)
  void callRequestsAnswer200Or400(@ForAll("callRequests") String body) {
    CallsApi.Response r = CALLS.create(body, "https://example.com");
    assertTrue(r.status() == 200 || r.status() == 400, "status " + r.status());
    JsonParser.parseString(r.json());
  }

  @Property(tries = TRIES)
  void userIdsNormaliseOrAreRefused(@ForAll("tokens") String raw) {
    UserIds.normalize(raw).ifPresent(id -> assertTrue(UserIds.PATTERN.matcher(id).matches()));
  }

  /**
   * Frames as a browser writes them ({@code JSON.stringify}) with any text in their strings, and
   * mutations of them.
   */
  @Provide
  Arbitrary<String> browserFrames() {
    Arbitrary<String> text = Arbitraries.strings().all().ofMaxLength(60);
    Arbitrary<String> written = Combinators.combine(
            Arbitraries.of("offer", "answer", "candidate", "bye"), text, text, Arbitraries.integers().between(-2, 70_000),
            Arbitraries.of(0, 1, 2, 3))
        .as((type, a, b, index, shape) -> switch (type) {
          case "candidate" -> "{\"type\":\"candidate\",\"ice\":{\"candidate\":" + stringify(a)
              + (shape == 1 ? "" : ",\"sdpMid\":" + (shape == 2 ? "null" : stringify(b)))
              + (shape == 3 ? ",\"sdpMLineIndex\":null" : ",\"sdpMLineIndex\":" + index)
              + (shape == 0 ? ",\"usernameFragment\":" + stringify(b) : "") + "}}";
          case "bye" -> "{\"type\":\"bye\"}";
          default -> "{\"type\":\"" + type + "\",\"sdp\":" + stringify(a) + "}";
        });
    return Arbitraries.oneOf(written, written.flatMap(w -> mutationsOf(List.of(w))));
  }

  /** As JavaScript's JSON.stringify writes a string (ES2019: lone surrogates escaped, U+2028 raw). */
  static String stringify(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean lone = Character.isHighSurrogate(c) ? i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))
          : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> b.append(c < 0x20 || lone ? String.format("\\u%04x", (int) c) : String.valueOf(c));
      }
    }
    return b.append('"').toString();
  }

  /**
   * Frames as browsers write them, with any text (lone surrogates included, which JSON.stringify
   * escapes): refused as bad-json when a string is not Unicode text, otherwise relayed with every
   * known value exactly as sent; their mutations get a documented answer.
   */
  @Property(tries = TRIES)
  void browserFramesAreRelayedExactlyAsSentOrRefused(@ForAll("browserFrames") String frame) {
    assertRelayedAsSentOrRefused(frame);
  }

  @Property(tries = TRIES)
  void aLoneSurrogateAsJsonStringifyWritesItIsBadJson(@ForAll("loneSurrogates") String text) {
    String frame = "{\"type\":\"offer\",\"sdp\":" + stringify("v=0 " + text) + "}";
    FrameValidator.Refused r = assertInstanceOf(FrameValidator.Refused.class, FrameValidator.validate(frame), frame);
    assertEquals(ErrorCode.BAD_JSON, r.code(), frame);
  }

  @Provide
  Arbitrary<String> loneSurrogates() {
    Arbitrary<Character> half = Arbitraries.chars().range('\ud800', '\udfff');
    Arbitrary<String> around = Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(5);
    return Combinators.combine(around, half, around).as((a, h, b) -> a + h + b);
  }

  @Property(tries = TRIES)
  void utf8LengthIsWhatGetBytesSays(@ForAll("frames") String frame) {
    assertEquals(frame.getBytes(StandardCharsets.UTF_8).length, FrameValidator.utf8Length(frame));
  }
}
