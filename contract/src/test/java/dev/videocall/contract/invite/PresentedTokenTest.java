package dev.videocall.contract.invite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videocall.contract.invite.PresentedToken.Carrier;
import dev.videocall.contract.invite.PresentedToken.Conflicting;
import dev.videocall.contract.invite.PresentedToken.Found;
import dev.videocall.contract.protocol.ErrorCode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PresentedTokenTest {
  static final String T = "v1.k1.SESSION0123456789ab.1790000000.mac-_0123";
  static final String OTHER = "v1.k1.SESSION0123456789ab.1790000001.mac-_0123";

  static Found found(String query, String... offered) {
    return assertInstanceOf(Found.class, PresentedToken.of(query, offered == null ? null : Arrays.asList(offered)));
  }

  static Conflicting conflicting(String query, String... offered) {
    return assertInstanceOf(Conflicting.class, PresentedToken.of(query, Arrays.asList(offered)));
  }

  @Test
  void theSubprotocolCarriesTheToken() {
    Found f = found(null, "videocall.v1", "token." + T);
    assertEquals(T, f.token());
    assertEquals(Carrier.SUBPROTOCOL, f.carrier());
    assertEquals(T, found(null, "token." + T, "videocall.v1").token(), "in any order");
    assertEquals(T, found(null, "videocall.v1", "token." + T, "token." + T).token(), "the same token twice is one token");
  }

  @Test
  void theQueryStillCarriesItForOlderClients() {
    assertEquals(new Found(T, Carrier.QUERY), found(T));
    assertEquals(new Found(T, Carrier.QUERY), found(T, (String[]) null));
    assertEquals(new Found(T, Carrier.QUERY), found(T, "videocall.v1"), "the protocol offered, the token left in the query");
    assertEquals(new Found(T, Carrier.QUERY), found(T, "chat", "superchat"), "unrelated subprotocols are ignored");
  }

  @Test
  void noTokenAnywhereIsLeftToTheLinkCheck() {
    assertEquals(new Found(null, Carrier.NONE), found(null));
    assertEquals(new Found(null, Carrier.NONE), found(null, "videocall.v1"));
    var refused = assertInstanceOf(InviteLinks.Refused.class,
        new InviteLinks(new InviteTokens(SigningKeys.of("k1", "0123456789abcdef0123456789abcdef".getBytes())))
            .check("alice", "bob", found(null, "videocall.v1").token(), Instant.now(), true));
    assertEquals(ErrorCode.INVALID_LINK, refused.code());
  }

  @Test
  void theSameTokenInBothPlacesIsAccepted() {
    assertEquals(new Found(T, Carrier.BOTH), found(T, "videocall.v1", "token." + T));
  }

  @Test
  void tokensThatDisagreeAreRefusedAsAnInvalidLinkWithoutNamingEitherToken() {
    List<Conflicting> refusals = List.of(
        conflicting(OTHER, "videocall.v1", "token." + T),
        conflicting(null, "videocall.v1", "token." + T, "token." + OTHER),
        conflicting(T, "videocall.v1", "token." + T, "token." + OTHER),
        conflicting("", "videocall.v1", "token." + T));
    for (Conflicting c : refusals) {
      assertEquals(ErrorCode.INVALID_LINK, c.refused().code());
      assertEquals(4000, c.refused().code().closeCode().orElseThrow().code());
      assertTrue(c.refused().message().startsWith("this link is not valid"), c.refused().message());
      for (String shown : List.of(c.refused().message(), c.refused().detail())) {
        assertFalse(shown.contains("1790000000") || shown.contains("1790000001") || shown.contains("SESSION"), "no token in: " + shown);
      }
    }
  }

  @Test
  void aTokenSubprotocolWithoutTheProtocolIsRefused() {
    Conflicting c = conflicting(null, "token." + T);
    assertEquals(ErrorCode.INVALID_LINK, c.refused().code());
    assertTrue(c.refused().detail().contains("without videocall.v1"), c.refused().detail());
  }

  @Test
  void onlyTheProtocolIsEverSelectedNeverTheTokenEntry() {
    assertEquals("videocall.v1", PresentedToken.accepted(List.of("token." + T, "videocall.v1")));
    assertNull(PresentedToken.accepted(List.of("chat")));
    assertNull(PresentedToken.accepted(List.of()));
    assertNull(PresentedToken.accepted(null));
    assertNull(PresentedToken.accepted(List.of("VIDEOCALL.V1")), "subprotocol names are compared exactly");
  }

  /** A minted token fits in a subprotocol entry: RFC 7230 token characters only (RFC 6455 section 4.1). */
  @Test
  void mintedTokensAreValidSubprotocolNames() {
    Pattern tchar = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    InviteTokens tokens = new InviteTokens(SigningKeys.parse(
        "key_-9:" + java.util.Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes())));
    for (int i = 0; i < 1_000; i++) {
      String token = tokens.mint(tokens.newSessionId(), "alice", "bob", Instant.ofEpochSecond(1_790_000_000L + i));
      assertTrue(tchar.matcher(PresentedToken.TOKEN_PREFIX + token).matches(), token);
    }
  }

  @Test
  void neverThrowsForAnyOffer() {
    Random random = new Random(12);
    String[] pieces = {"videocall.v1", "token.", "token." + T, "token." + OTHER, "", "token", "x", null};
    for (int i = 0; i < 10_000; i++) {
      List<String> offered = new ArrayList<>();
      for (int n = random.nextInt(5); n > 0; n--) {
        offered.add(pieces[random.nextInt(pieces.length)]);
      }
      String query = random.nextBoolean() ? null : pieces[random.nextInt(pieces.length)];
      PresentedToken.Result r = PresentedToken.of(query, offered);
      if (r instanceof Found f && f.token() != null && offered.stream().anyMatch(p -> p != null && p.startsWith("token."))) {
        assertTrue(offered.contains("token." + f.token()), "the token found was offered: " + offered);
      }
    }
  }
}
