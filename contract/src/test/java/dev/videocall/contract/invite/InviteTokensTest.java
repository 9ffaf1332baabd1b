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
