package dev.videocall.contract.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvValuesTest {

  @Test
  void secondsAcceptDecimalsAndFallBackWhenUnsetOrBlank() {
    assertEquals(Duration.ofMillis(500), EnvValues.seconds(Map.of("X_SECONDS", "0.5"), "X_SECONDS", Duration.ZERO));
    assertEquals(Duration.ofSeconds(30), EnvValues.seconds(Map.of("X_SECONDS", " 30 "), "X_SECONDS", Duration.ZERO));
    assertEquals(Duration.ofSeconds(7), EnvValues.seconds(Map.of("X_SECONDS", " "), "X_SECONDS", Duration.ofSeconds(7)));
    assertEquals(Duration.ofSeconds(7), EnvValues.seconds(Map.of(), "X_SECONDS", Duration.ofSeconds(7)));
  }

  @Test
  void badSecondsNameTheVariable() {
    var e = assertThrows(IllegalArgumentException.class, () -> EnvValues.seconds(Map.of("X_SECONDS", "10s"), "X_SECONDS", Duration.ZERO));
    assertTrue(e.getMessage().contains("X_SECONDS"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> EnvValues.seconds(Map.of("X_SECONDS", "-1"), "X_SECONDS", Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> EnvValues.seconds(Map.of("X_SECONDS", "NaN"), "X_SECONDS", Duration.ZERO));
  }

  @Test
  void durationsComeOnlyFromSecondsVariables() {
    assertThrows(IllegalArgumentException.class, () -> EnvValues.seconds(Map.of(), "X_MILLIS", Duration.ZERO));
  }

  @Test
  void booleansAreStrict() {
    assertTrue(EnvValues.bool(Map.of("B", "TRUE"), "B", false));
    assertFalse(EnvValues.bool(Map.of("B", "false"), "B", true));
    assertTrue(EnvValues.bool(Map.of(), "B", true));
    var e = assertThrows(IllegalArgumentException.class, () -> EnvValues.bool(Map.of("B", "yes"), "B", false));
    assertTrue(e.getMessage().contains("B must be true or false"), e.getMessage());
  }

  @Test
  void numbersNameTheVariableWhenWrong() {
    assertEquals(3, EnvValues.intValue(Map.of("N", "3"), "N", 1));
    assertEquals(1, EnvValues.intValue(Map.of(), "N", 1));
    var e = assertThrows(IllegalArgumentException.class, () -> EnvValues.intValue(Map.of("N", "3.5"), "N", 1));
    assertTrue(e.getMessage().startsWith("N must be a whole number"), e.getMessage());
    assertEquals(2.5, EnvValues.doubleValue(Map.of("D", "2.5"), "D", 0));
    assertThrows(IllegalArgumentException.class, () -> EnvValues.doubleValue(Map.of("D", "x"), "D", 0));
  }

  @Test
  void listsDropBlanksAndAnEmptyValueMeansNone() {
    assertEquals(List.of("a", "b"), EnvValues.list(Map.of("L", " a, ,b "), "L", List.of("z")));
    assertEquals(List.of(), EnvValues.list(Map.of("L", ""), "L", List.of("z")));
    assertEquals(List.of("z"), EnvValues.list(Map.of(), "L", List.of("z")));
  }

  @Test
  void optionalAndStringTrimAndTreatBlankAsUnset() {
    assertNull(EnvValues.optional(Map.of("S", "  "), "S"));
    assertEquals("v", EnvValues.optional(Map.of("S", " v "), "S"));
    assertEquals("fallback", EnvValues.string(Map.of("S", ""), "S", "fallback"));
  }
}
