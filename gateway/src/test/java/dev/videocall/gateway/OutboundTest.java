package dev.videocall.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboundTest {

  @Test
  void theUtf8LengthIsWhatTheJdkEncodesToForEveryKindOfChar() {
    for (String text : List.of(
        "",
        "{\"type\":\"candidate\"}",
        "gr\u00fc\u00df",                       // two bytes each
        "\u2603 \u65e5\u672c",                  // three
        "\ud83d\ude00 after a pair",            // four for the pair
        "\ud83d alone",                          // a lone high surrogate: '?'
        "alone \ude00",                          // a lone low surrogate: '?'
        "\ude00\ud83d reversed",                 // two lone halves
        "end \ud83d",                            // a high surrogate last
        "\u00e9".repeat(30_000))) {
      assertEquals(text.getBytes(StandardCharsets.UTF_8).length, Outbound.utf8Length(text), text);
    }
  }
}
