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
}
