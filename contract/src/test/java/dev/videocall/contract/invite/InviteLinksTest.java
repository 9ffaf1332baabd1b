package dev.videocall.contract.invite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.videocall.contract.invite.InviteLinks.Admitted;
import dev.videocall.contract.invite.InviteLinks.Refused;
import dev.videocall.contract.protocol.ErrorCode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class InviteLinksTest {
  static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  final InviteTokens tokens = new InviteTokens(SigningKeys.of("k1", "0123456789abcdef0123456789abcdef".getBytes()));
  final InviteLinks links = new InviteLinks(tokens);
  final String session = tokens.newSessionId();
  final String aliceToken = tokens.mint(session, "alice", "bob", NOW.plusSeconds(60));

  @Test
  void aGenuineLinkIsAdmittedWithItsNormalisedPair() {
    Admitted a = assertInstanceOf(Admitted.class, links.check("Alice", "BOB", aliceToken, NOW, true));
    assertEquals(session, a.sessionId());
    assertEquals("alice", a.userId());
    assertEquals(java.util.List.of("bob"), a.peerIds());
  }

  @Test
  void missingOrMalformedPartsAreAnInvalidLink() {
    for (String[] link : new String[][] {{null, "bob", aliceToken}, {"alice", null, aliceToken}, {"alice", "bob", null},
        {"alice", "alice", aliceToken}, {"al ice", "bob", aliceToken}, {"a".repeat(65), "bob", aliceToken}}) {
      Refused r = assertInstanceOf(Refused.class, links.check(link[0], link[1], link[2], NOW, true));
      assertEquals(ErrorCode.INVALID_LINK, r.code(), String.join(",", String.valueOf(link[0]), String.valueOf(link[1])));
    }
  }

  /** Issue 26, item 4: a look-alike of "k" joined as k with k's own token; the door and the core both ask here. */
  @Test
  void aLookAlikeOfTheLinksUserIsAnInvalidLinkEvenWithItsGenuineToken() {
    String kToken = tokens.mint(session, "k", "bob", NOW.plusSeconds(60));
    assertInstanceOf(Admitted.class, links.check("K", "bob", kToken, NOW, true), "ASCII case is still folded");
    for (String[] link : new String[][] {{"\u212A", "bob"}, {"alice", "\u212A"}, {"\uFF4B", "bob"}}) {
      Refused r = assertInstanceOf(Refused.class, links.check(link[0], link[1], kToken, NOW, true));
      assertEquals(ErrorCode.INVALID_LINK, r.code(), link[0] + "," + link[1]);
    }
  }

  @Test
  void aTokenForAnotherPairIsAnInvalidToken() {
    Refused r = assertInstanceOf(Refused.class, links.check("bob", "alice", aliceToken, NOW, true));
    assertEquals(ErrorCode.INVALID_TOKEN, r.code());
    assertEquals("this link is not valid", r.message());
  }

  @Test
  void expiryIsEnforcedOnlyWhenAsked() {
    Instant later = NOW.plusSeconds(61);
    Refused r = assertInstanceOf(Refused.class, links.check("alice", "bob", aliceToken, later, true));
    assertEquals(ErrorCode.TOKEN_EXPIRED, r.code());
    assertInstanceOf(Admitted.class, links.check("alice", "bob", aliceToken, later, false), "a started call outlives its link");
  }

  // --- Calls of three or four: one peerID per other member ---------------------------------------

  final String carolToken = tokens.mint(session, "carol", List.of("alice", "bob", "dave"), NOW.plusSeconds(60));

  @Test
  void aGroupLinkIsAdmittedWithItsPeersInTheLinksOrder() {
    Admitted a = assertInstanceOf(Admitted.class, links.check("carol", List.of("Dave", "alice", "BOB"), carolToken, NOW, true));
    assertEquals("carol", a.userId());
    assertEquals(List.of("dave", "alice", "bob"), a.peerIds());
    assertEquals(session, a.sessionId());
  }

  @Test
  void aNameNotOnTheCallIsAnInvalidToken() {
    for (List<String> peers : List.of(List.of("alice", "bob"), List.of("alice", "bob", "erin"), List.of("alice", "bob", "dave", "erin"))) {
      Refused r = assertInstanceOf(Refused.class, links.check("carol", peers, carolToken, NOW, true));
      assertEquals(peers.size() == 4 ? ErrorCode.CALL_FULL : ErrorCode.INVALID_TOKEN, r.code(), peers.toString());
    }
    Refused erin = assertInstanceOf(Refused.class, links.check("erin", List.of("alice", "bob", "dave"), carolToken, NOW, true));
    assertEquals(ErrorCode.INVALID_TOKEN, erin.code(), "carol's link opened as someone else");
  }

  /** No call has five people, so a link naming five is call-full (4003) before its token is looked at. */
  @Test
  void aFifthPersonIsCallFull() {
    String five = tokens.mint(session, "erin", List.of("alice", "bob", "carol", "dave"), NOW.plusSeconds(60));
    Refused r = assertInstanceOf(Refused.class, links.check("erin", List.of("alice", "bob", "carol", "dave"), five, NOW, true));
    assertEquals(ErrorCode.CALL_FULL, r.code());
    assertEquals("a call has at most 4 people", r.message());
  }

  @Test
  void repeatedOrSelfNamingPeersAreAnInvalidLink() {
    for (List<String> peers : List.of(List.of("alice", "ALICE"), List.of("alice", "carol"), List.of("alice", "bob,dave"), List.<String>of(),
        java.util.Arrays.asList("alice", null))) {
      Refused r = assertInstanceOf(Refused.class, links.check("carol", peers, carolToken, NOW, true));
      assertEquals(ErrorCode.INVALID_LINK, r.code(), String.valueOf(peers));
    }
  }
}
