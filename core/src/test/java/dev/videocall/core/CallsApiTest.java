package dev.videocall.core;

import dev.videocall.contract.invite.SigningKeys;
import dev.videocall.contract.invite.InviteTokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallsApiTest {
  static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  final InviteTokens tokens = new InviteTokens(SigningKeys.of("k1", CallHarness.KEY));
  final CallsApi api = new CallsApi(new CallCreator(tokens, Duration.ofHours(2), () -> NOW));

  @Test
  void createsTwoLinksThatVerifyForTheirOwnersOnly() {
    CallsApi.Response r = api.create("{\"users\":[\"Alice\",\"bob\"]}", "http://localhost:9999/");
    assertEquals(200, r.status(), r.json());
    JsonObject body = JsonParser.parseString(r.json()).getAsJsonObject();
    assertEquals("2026-11-25T12:00:00Z", body.get("expiresAt").getAsString());
    String aliceLink = body.getAsJsonObject("links").get("alice").getAsString();
    assertTrue(aliceLink.startsWith("http://localhost:9999/video?userID=alice&peerID=bob#token="), aliceLink);
    assertEquals("userID=alice&peerID=bob", URI.create(aliceLink).getRawQuery(), "nothing secret in the part a server sees");
    Map<String, String> f = fragment(aliceLink);
    assertEquals(java.util.Set.of("token"), f.keySet());
    var check = assertInstanceOf(InviteTokens.Verified.class, tokens.verify(f.get("token"), "alice", "bob", NOW));
    assertEquals(body.get("sessionId").getAsString(), check.sessionId());
    String bobToken = fragment(body.getAsJsonObject("links").get("bob").getAsString()).get("token");
    assertInstanceOf(InviteTokens.Rejected.class, tokens.verify(bobToken, "alice", "bob", NOW));
  }

  @Test
  void refusesBadRequestsWithA400AndAReason() {
    for (String bad : new String[] {"", "nope", "[]", "{}", "{\"users\":\"alice\"}", "{\"users\":[\"alice\"]}",
        "{\"users\":[\"alice\",\"alice\"]}", "{\"users\":[\"alice\",\"ALICE\"]}", "{\"users\":[\"alice\",\"b o b\"]}",
        "{\"users\":[\"alice\",2]}", "{users:[\"alice\",\"bob\"]}", "{\"users\":[\"a\",\"b\"],\"users\":[\"c\",\"d\"]}", "{\"users\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}", "{\"users\":[\"a\",\"b\",\"A\"]}", "{\"users\":[\"" + "x".repeat(5000) + "\",\"b\"]}"}) {
      CallsApi.Response r = api.create(bad, "http://localhost");
      assertEquals(400, r.status(), bad);
      assertEquals("bad-request", JsonParser.parseString(r.json()).getAsJsonObject().getAsJsonObject("error").get("code").getAsString());
    }
  }

  @Test
  void createsOneLinkPerPersonForThreeOrFour() {
    for (var users : java.util.List.of(java.util.List.of("alice", "bob", "carol"), java.util.List.of("dave", "Alice", "bob", "carol"))) {
      String body = "{\"users\":[\"" + String.join("\",\"", users) + "\"]}";
      CallsApi.Response r = api.create(body, "https://calls.example");
      assertEquals(200, r.status(), r.json());
      JsonObject links = JsonParser.parseString(r.json()).getAsJsonObject().getAsJsonObject("links");
      var people = users.stream().map(u -> u.toLowerCase(java.util.Locale.ROOT)).toList();
      assertEquals(people, java.util.List.copyOf(links.keySet()), "one link each, in the request's order");
      for (String user : people) {
        String link = links.get(user).getAsString();
        var others = people.stream().filter(p -> !p.equals(user)).toList();
        StringBuilder query = new StringBuilder("userID=" + user);
        others.forEach(o -> query.append("&peerID=").append(o));
        assertEquals(query.toString(), URI.create(link).getRawQuery(), "each other person once, in the call's order");
        String token = fragment(link).get("token");
        assertInstanceOf(InviteTokens.Verified.class, tokens.verify(token, user, others, NOW), link);
        assertInstanceOf(InviteTokens.Rejected.class, tokens.verify(token, user, others.subList(1, others.size()), NOW),
            "not for a call without one of them");
      }
    }
  }

  /** Issue 26, item 4: U+212A KELVIN SIGN was accepted as "k" (and fullwidth letters would be under NFKC). */
  @Test
  void lookAlikeNamesAreRefusedNotFolded() {
    for (String users : new String[] {"\"\u212A\",\"bob\"", "\"alice\",\"\u212Aim\"", "\"\uFF41lice\",\"bob\""}) {
      CallsApi.Response r = api.create("{\"users\":[" + users + "]}", "http://localhost");
      assertEquals(400, r.status(), users);
      assertTrue(r.json().contains("a letter a-z"), r.json());
    }
  }

  private static Map<String, String> fragment(String link) {
    Map<String, String> out = new HashMap<>();
    for (String pair : URI.create(link).getRawFragment().split("&")) {
      String[] kv = pair.split("=", 2);
      out.put(kv[0], java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8));
    }
    return out;
  }
}
