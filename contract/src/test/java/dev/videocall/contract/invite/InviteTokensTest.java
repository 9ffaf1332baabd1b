package dev.videocall.contract.invite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videocall.contract.invite.InviteTokens.Rejected;
import dev.videocall.contract.invite.InviteTokens.Verified;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InviteTokensTest {
  static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();
  static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  final InviteTokens tokens = new InviteTokens(SigningKeys.of("k1", KEY));

  @Test
  void verifiesForTheMintedPair() {
    String t = tokens.mint("SESSION0123456789ab", "alice", "bob", NOW.plusSeconds(60));
    Verified v = assertInstanceOf(Verified.class, tokens.verify(t, "alice", "bob", NOW));
    assertEquals("SESSION0123456789ab", v.sessionId());
    assertFalse(v.expired());
  }

  @Test
  void rejectsAnotherPairOrSwappedRoles() {
    String t = tokens.mint("SESSION0123456789ab", "alice", "bob", NOW.plusSeconds(60));
    assertInstanceOf(Rejected.class, tokens.verify(t, "bob", "alice", NOW));
    assertInstanceOf(Rejected.class, tokens.verify(t, "alice", "carol", NOW));
    assertInstanceOf(Rejected.class, tokens.verify(t, "carol", "bob", NOW));
  }

  @Test
  void reportsExpiryAtAndAfterTheInstant() {
    String t = tokens.mint("SESSION0123456789ab", "alice", "bob", NOW);
    assertTrue(((Verified) tokens.verify(t, "alice", "bob", NOW)).expired());
    assertTrue(((Verified) tokens.verify(t, "alice", "bob", NOW.plusSeconds(1))).expired());
    assertFalse(((Verified) tokens.verify(t, "alice", "bob", NOW.minusSeconds(1))).expired());
  }

  @Test
  void rejectsTamperingWithEveryField() {
    String t = tokens.mint("SESSION0123456789ab", "alice", "bob", NOW.plusSeconds(60));
    String[] parts = t.split("\\.");
    // A later expiry, another session, another key id, a flipped MAC character.
    String[] tampered = {
      String.join(".", parts[0], parts[1], parts[2], Long.toString(Long.parseLong(parts[3]) + 3600), parts[4]),
      String.join(".", parts[0], parts[1], "SESSION0123456789ac", parts[3], parts[4]),
      String.join(".", parts[0], "k2", parts[2], parts[3], parts[4]),
      String.join(".", parts[0], parts[1], parts[2], parts[3], flip(parts[4])),
      String.join(".", "v2", parts[1], parts[2], parts[3], parts[4]),
      t + ".",
      t.substring(0, t.length() - 1),
      "",
      "v1....",
    };
    for (String bad : tampered) {
      assertInstanceOf(Rejected.class, tokens.verify(bad, "alice", "bob", NOW), bad);
    }
    assertInstanceOf(Rejected.class, tokens.verify(null, "alice", "bob", NOW));
  }

  @Test
  void onlyTheCanonicalSpellingVerifies() {
    String t = tokens.mint("SESSION0123456789ab", "alice", "bob", NOW.plusSeconds(60));
    String[] parts = t.split("\\.");
    String mac = parts[4];
    // 32 MAC bytes take 43 base64 characters; the last one carries two bits no byte uses.
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char last = mac.charAt(mac.length() - 1);
    String otherLast = mac.substring(0, mac.length() - 1) + alphabet.charAt(alphabet.indexOf(last) ^ 1);
    String[] respellings = {
      String.join(".", parts[0], parts[1], parts[2], parts[3], mac + "="),
      String.join(".", parts[0], parts[1], parts[2], parts[3], otherLast),
      String.join(".", parts[0], parts[1], parts[2], "0" + parts[3], mac),
      String.join(".", parts[0], parts[1], parts[2], "000" + parts[3], mac),
    };
    for (String respelled : respellings) {
      assertNotEquals(t, respelled);
      assertTrue(java.util.Arrays.equals(java.util.Base64.getUrlDecoder().decode(respelled.split("\\.")[4]),
          java.util.Base64.getUrlDecoder().decode(mac)), "the same MAC bytes: " + respelled);
      assertInstanceOf(Rejected.class, tokens.verify(respelled, "alice", "bob", NOW), respelled);
    }
    assertInstanceOf(Verified.class, tokens.verify(t, "alice", "bob", NOW));
  }

  @Test
  void aTokenFromAnotherKeyIsRejected() {
    InviteTokens other = new InviteTokens(SigningKeys.of("k1", "another-key-another-key-another-k".getBytes()));
    String forged = other.mint("SESSION0123456789ab", "alice", "bob", NOW.plusSeconds(60));
    assertInstanceOf(Rejected.class, tokens.verify(forged, "alice", "bob", NOW));
  }

  @Test
  void rotationKeepsOldLinksValidWhileTheOldKeyIsListed() {
    InviteTokens old = new InviteTokens(SigningKeys.of("old", KEY));
    String oldLink = old.mint("SESSION0123456789ab", "alice", "bob", NOW.plusSeconds(60));
    byte[] newKey = "fedcba9876543210fedcba9876543210".getBytes();
    String spec = "new:" + java.util.Base64.getEncoder().encodeToString(newKey)
        + ",old:" + java.util.Base64.getEncoder().encodeToString(KEY);
    InviteTokens rotated = new InviteTokens(SigningKeys.parse(spec));
    assertInstanceOf(Verified.class, rotated.verify(oldLink, "alice", "bob", NOW));
    String newLink = rotated.mint("SESSION0123456789ab", "alice", "bob", NOW.plusSeconds(60));
    assertTrue(newLink.startsWith("v1.new."), newLink);
    InviteTokens retired = new InviteTokens(SigningKeys.of("new", newKey));
    assertInstanceOf(Rejected.class, retired.verify(oldLink, "alice", "bob", NOW));
  }

  /**
   * Tokens minted by the two-person code (main at 36aae21, before calls of three or four) for alice
   * and bob: the MAC's input for one peer must stay byte for byte what it was, so links already
   * handed out keep working.
   */
  static final String TWO_PERSON_ALICE = "v1.k1.SESSION0123456789ab.4102444800.fu2Hg1dMO974OK32LHPlWhqErq0_3TfRD0gdDzEeFT0";
  static final String TWO_PERSON_BOB = "v1.k1.SESSION0123456789ab.4102444800.kD-ZvvIkMhf211od1mo1aWZd7FHuZVx1YAfDoUAn5gc";

  @Test
  void twoPersonTokensOfTheFirstCodeStillVerifyAndAreMintedAlike() {
    Instant exp = Instant.parse("2100-01-01T00:00:00Z");
    assertEquals(TWO_PERSON_ALICE, tokens.mint("SESSION0123456789ab", "alice", "bob", exp));
    assertEquals(TWO_PERSON_BOB, tokens.mint("SESSION0123456789ab", "bob", java.util.List.of("alice"), exp));
    assertInstanceOf(Verified.class, tokens.verify(TWO_PERSON_ALICE, "alice", "bob", NOW));
    assertInstanceOf(Verified.class, tokens.verify(TWO_PERSON_BOB, "bob", java.util.List.of("alice"), NOW));
    assertInstanceOf(Rejected.class, tokens.verify(TWO_PERSON_ALICE, "alice", java.util.List.of("bob", "carol"), NOW));
  }

  @Test
  void aGroupTokenVerifiesForExactlyItsMembersInAnyOrder() {
    var peers = java.util.List.of("bob", "carol", "dave");
    String t = tokens.mint("SESSION0123456789ab", "alice", peers, NOW.plusSeconds(60));
    assertInstanceOf(Verified.class, tokens.verify(t, "alice", peers, NOW));
    assertInstanceOf(Verified.class, tokens.verify(t, "alice", java.util.List.of("dave", "bob", "carol"), NOW),
        "the link's order does not matter");
    for (var other : java.util.List.of(
        java.util.List.of("bob", "carol"), // someone left out
        java.util.List.of("bob", "carol", "dave", "erin"), // someone added
        java.util.List.of("bob", "carol", "erin"), // someone swapped
        java.util.List.of("alice", "carol", "dave"), // the user among the peers
        java.util.List.of("bob,carol", "dave"))) { // two names in one
      assertInstanceOf(Rejected.class, tokens.verify(t, "alice", other, NOW), other.toString());
    }
    assertInstanceOf(Rejected.class, tokens.verify(t, "bob", java.util.List.of("alice", "carol", "dave"), NOW),
        "another member's link");
    assertInstanceOf(Rejected.class, tokens.verify(t, "alice", java.util.List.of(), NOW));
  }

  @Test
  void sessionIdsAreRandom() {
    assertNotEquals(tokens.newSessionId(), tokens.newSessionId());
    assertEquals(22, tokens.newSessionId().length());
  }

  private static String flip(String s) {
    char c = s.charAt(3);
    return s.substring(0, 3) + (c == 'A' ? 'B' : 'A') + s.substring(4);
  }
}
