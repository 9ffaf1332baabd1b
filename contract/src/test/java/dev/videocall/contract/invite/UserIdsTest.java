package dev.videocall.contract.invite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class UserIdsTest {

  @Test
  void idsAreLowerCasedAndKeptWhenPlain() {
    assertEquals(Optional.of("alice_1-x"), UserIds.normalize("Alice_1-X"));
    assertEquals(Optional.of("a".repeat(64)), UserIds.normalize("a".repeat(64)));
  }

  @Test
  void anythingElseIsRefused() {
    for (String bad : new String[] {null, "", "a".repeat(65), "al ice", "alice/..", "ålice", "a.b", "bob\n"}) {
      assertTrue(UserIds.normalize(bad).isEmpty(), "refused: " + bad);
    }
  }

  /** Issue 26, item 4: U+212A KELVIN SIGN was accepted as "k", at creation and at join. */
  @Test
  void lookAlikesOfPlainIdsAreRefusedNotFolded() {
    String[] lookAlikes = {
      "\u212A", // KELVIN SIGN: toLowerCase gives "k"
      "\u212Aim", // "kim" with it
      "\u0130van", // LATIN CAPITAL I WITH DOT ABOVE: toLowerCase gives "i" and a combining dot
      "\u017Fam", // LATIN SMALL LONG S: toUpperCase gives "S"
      "\uFF41\uFF4C\uFF49\uFF43\uFF45", // fullwidth "alice": NFKC gives "alice"
      "\uFB00", // LATIN SMALL LIGATURE FF: NFKC gives "ff"
      "\uD835\uDC1A\uD835\uDC1B", // MATHEMATICAL BOLD SMALL A, B: NFKC gives "ab"
      "\u0430lice", // CYRILLIC SMALL A
      "alice\u200B", // ZERO WIDTH SPACE
      "a\u0301", // a and a combining acute accent
    };
    for (String raw : lookAlikes) {
      assertEquals(Optional.empty(), UserIds.normalize(raw), "refused: " + raw.codePoints().mapToObj(c -> String.format("U+%04X", c)).toList());
    }
  }
}
