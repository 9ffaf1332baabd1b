package dev.videocall.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videocall.contract.StrictJson.Problem;
import org.junit.jupiter.api.Test;

class StrictJsonTest {

  @Test
  void readsStrictJsonAsGsonDoes() throws Exception {
    assertEquals("bye", StrictJson.parse("{\"type\":\"bye\",\"n\":[1,2.5e3,-0,true,null,{}]}").getAsJsonObject().get("type").getAsString());
    assertEquals(2500, StrictJson.parse(" {\"a\": [2.5e3]} ").getAsJsonObject().getAsJsonArray("a").get(0).getAsInt());
    assertEquals("x", StrictJson.parse("\"x\"").getAsString());
    // The same name in different objects is not a repetition.
    StrictJson.parse("{\"ice\":{\"type\":1},\"type\":\"candidate\",\"list\":[{\"type\":2},{\"type\":3}]}");
  }

  @Test
  void refusesWhatOnlyLenientParsersAccept() {
    for (String lenient : new String[] {
        "{type:\"offer\"}", "{'type':'offer'}", "{\"a\":1} trailing", "{\"a\":1}{\"b\":2}", "{\"a\":NaN}",
        "{\"a\":1,}", "[1,]", "{\"a\":1;\"b\":2}", "{\"a\"=1}", "// comment\n{}", "{\"a\":'x'}", "{\"a\":0x10}",
        "", "   ", "{", "\uFEFF{}", "\"\\'\"", "[".repeat(300) + "]".repeat(300)}) {
      Problem p = assertThrows(StrictJson.Invalid.class, () -> StrictJson.parse(lenient), lenient).problem();
      assertEquals(Problem.SYNTAX, p, lenient);
    }
    assertThrows(StrictJson.Invalid.class, () -> StrictJson.parse(null));
  }

  @Test
  void refusesANameRepeatedInOneObjectAtAnyDepth() {
    for (String twice : new String[] {
        "{\"type\":\"offer\",\"sdp\":\"v=0\",\"type\":\"bye\"}",
        "{\"type\":\"candidate\",\"ice\":{\"candidate\":\"c\",\"sdpMid\":\"0\",\"candidate\":\"d\"}}",
        "{\"a\":[{\"b\":1,\"b\":1}]}"}) {
      StrictJson.Invalid e = assertThrows(StrictJson.Invalid.class, () -> StrictJson.parse(twice), twice);
      assertEquals(Problem.DUPLICATE_NAME, e.problem(), twice);
    }
  }

  /** JSON.parse refuses a leading byte order mark; Gson alone skips it. */
  @Test
  void refusesALeadingByteOrderMark() throws Exception {
    StrictJson.Invalid e = assertThrows(StrictJson.Invalid.class, () -> StrictJson.parse("\uFEFF{\"type\":\"bye\"}"));
    assertEquals(Problem.SYNTAX, e.problem());
    assertEquals("a byte order mark before the JSON", e.getMessage());
    // Inside a string it is a character like any other.
    assertEquals("\uFEFF", StrictJson.parse("{\"a\":\"\uFEFF\"}").getAsJsonObject().get("a").getAsString());
  }

  /** JSON.stringify escapes a lone surrogate ("\\ud800"); it is not Unicode text and cannot be sent on as UTF-8. */
  @Test
  void refusesAnUnpairedSurrogateInAnyStringOrNameAndKeepsPairs() throws Exception {
    for (String lone : new String[] {
        "{\"sdp\":\"\\ud800\"}", "{\"sdp\":\"a\\udc00b\"}", "{\"sdp\":\"\\ud83d\\u0041\"}", "[\"\\ude00\\ud83d\"]",
        "{\"\\ud800\":1}", "{\"a\":{\"b\":[\"ok\",\"\\udbff\"]}}"}) {
      StrictJson.Invalid e = assertThrows(StrictJson.Invalid.class, () -> StrictJson.parse(lone), lone);
      assertEquals(Problem.NOT_UNICODE, e.problem(), lone);
      assertTrue(e.getMessage().contains("unpaired surrogate"), e.getMessage());
    }
    // A pair, escaped or raw, is one character.
    assertEquals("\ud83d\ude00", StrictJson.parse("{\"a\":\"\\ud83d\\ude00\"}").getAsJsonObject().get("a").getAsString());
    assertEquals("\ud83d\ude00", StrictJson.parse("{\"a\":\"\ud83d\ude00\"}").getAsJsonObject().get("a").getAsString());
  }
}
