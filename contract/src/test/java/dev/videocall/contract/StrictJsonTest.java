package dev.videocall.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        "", "   ", "{", "\"\\'\"", "[".repeat(300) + "]".repeat(300)}) {
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
}
