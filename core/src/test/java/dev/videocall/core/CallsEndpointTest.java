package dev.videocall.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.contract.invite.SigningKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallsEndpointTest {
  static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  static final String KEY = OwnerKey.generate();
  static final String BODY = "{\"users\":[\"alice\",\"bob\"]}";
  static final long SECOND = 1_000_000_000L;

  final CallsApi api = new CallsApi(new CallCreator(new InviteTokens(SigningKeys.of("k1", CallHarness.KEY)), Duration.ofHours(1), () -> NOW));

  CallsEndpoint endpoint(double perMinute, int burst) {
    return new CallsEndpoint(api, OwnerKey.of(KEY), new CreationLimiter(perMinute, burst, 1_000));
  }

  static CallsEndpoint.Caller post(String address, String authorization) {
    return new CallsEndpoint.Caller("POST", address, false, authorization);
  }

  /** What an edge does: admit, and only then read the body and create. */
  static CallsApi.Response ask(CallsEndpoint door, CallsEndpoint.Caller caller, String body, String baseUrl, long nowNanos) {
    return door.admit(caller, nowNanos).orElseGet(() -> door.create(body, baseUrl));
  }

  static CallsApi.Response ask(CallsEndpoint door, CallsEndpoint.Caller caller, String baseUrl, long nowNanos) {
    return ask(door, caller, BODY, baseUrl, nowNanos);
  }

  @Test
  void onlyTheOwnerCreatesCalls() {
    CallsEndpoint door = endpoint(10, 20);
    CallsApi.Response anonymous = ask(door, post("203.0.113.7", null), "https://site", 0);
    assertEquals(401, anonymous.status());
    assertEquals("Bearer realm=\"videocall\"", anonymous.headers().get("WWW-Authenticate"));
    assertEquals("owner-key-required", code(anonymous));
    assertEquals(401, ask(door, post("203.0.113.7", "Bearer wrong-key-0123456789abcdefghij"), "https://site", 0).status());
    assertEquals(200, ask(door, post("203.0.113.7", "Bearer " + KEY), "https://site", 0).status());
    assertEquals(200, ask(door, new CallsEndpoint.Caller("POST", "127.0.0.1", true, null), "http://localhost", 0).status(),
        "the edge's trusted owner (loopback) needs no key");
  }

  @Test
  void aWrongKeyCostsWhatARightOneDoesAndRepeatedGuessesGet429() {
    CallsEndpoint door = endpoint(10, 5);
    for (int i = 0; i < 5; i++) {
      assertEquals(401, ask(door, post("198.51.100.1", "Bearer guess-" + i + "-0123456789abcdefgh"), "https://site", 0).status());
    }
    CallsApi.Response limited = ask(door, post("198.51.100.1", "Bearer " + KEY), "https://site", 0);
    assertEquals(429, limited.status(), "the address spent its budget on guesses; even the right key waits");
    assertEquals("6", limited.headers().get("Retry-After"));
    assertEquals("rate-limited", code(limited));
    assertEquals(200, ask(door, post("198.51.100.2", "Bearer " + KEY), "https://site", 0).status(), "another address is not affected");
    assertEquals(200, ask(door, post("198.51.100.1", "Bearer " + KEY), "https://site", 6 * SECOND).status());
  }

  /** The attack run: 500 calls in 0.4 s from one client. */
  @Test
  void creationIsRateLimitedForTheOwnerToo() {
    CallsEndpoint door = endpoint(10, 20);
    int created = 0;
    for (int i = 0; i < 500; i++) {
      // A leaked key used from 500 addresses still creates no more than the owner's own budget.
      if (ask(door, post("192.0.2." + (i % 250), "Bearer " + KEY), "https://site", i * SECOND / 1250).status() == 200) {
        created++;
      }
    }
    assertEquals(20, created, "the burst, then 10 a minute (0.4 s gives no new one)");
  }

  @Test
  void otherMethodsAndLargeBodies() {
    CallsEndpoint door = endpoint(10, 20);
    CallsApi.Response get = door.admit(new CallsEndpoint.Caller("GET", "a", true, null), 0).orElseThrow();
    assertEquals(405, get.status());
    assertEquals("POST", get.headers().get("Allow"));
    CallsEndpoint.Caller owner = new CallsEndpoint.Caller("POST", "a", true, null);
    assertEquals(413, ask(door, owner, null, "https://site", 0).status());
    assertEquals(400, ask(door, owner, "{\"users\":[\"a\"]}", "https://site", 0).status());
  }

  /** Issue 26, item 1: the address's budget and the key are decided before a body exists. */
  @Test
  void refusalsNeedNoBody() {
    CallsEndpoint door = endpoint(10, 1);
    assertTrue(door.admit(post("198.51.100.9", "Bearer " + KEY), 0).isEmpty(), "admitted: the edge may read the body now");
    assertEquals(429, door.admit(post("198.51.100.9", "Bearer " + KEY), 0).orElseThrow().status());
    assertEquals(401, door.admit(post("198.51.100.10", null), 0).orElseThrow().status());
  }

  @Test
  void theAnswerCarriesLinksAndNoIceServers() {
    CallsApi.Response ok = ask(endpoint(10, 20), post("a", "Bearer " + KEY), "https://site", 0);
    assertEquals(200, ok.status());
    for (String absent : List.of("turn", "stun", "credential", "iceServers")) {
      assertFalse(ok.json().toLowerCase().contains(absent.toLowerCase()), absent + " in " + ok.json());
    }
    assertTrue(ok.json().contains("https://site/video?userID=alice"), ok.json());
  }

  private static String code(CallsApi.Response r) {
    return JsonParser.parseString(r.json()).getAsJsonObject().getAsJsonObject("error").get("code").getAsString();
  }
}
