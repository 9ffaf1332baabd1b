package dev.videocall.contract.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videocall.contract.invite.PresentedToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The page's copy of the wire vocabulary ({@code web/js/wire.js}) says exactly what these enums say:
 * same names, same values, same final close codes. Change one side and this fails until the other
 * follows.
 */
class WireVocabularyTest {
  private static final Path WIRE_JS = Path.of("..", "web", "js", "wire.js");
  private static final Pattern BLOCK =
      Pattern.compile("export const (\\w+) = Object\\.freeze\\(\\{(.*?)\\}\\);", Pattern.DOTALL);
  private static final Pattern ENTRY = Pattern.compile("(\\w+):\\s*('([^']*)'|(\\d+))\\s*,?");
  private static final Pattern FINAL = Pattern.compile("export const FINAL_CLOSE_CODES = new Set\\(\\[(.*?)\\]\\);", Pattern.DOTALL);

  private static Map<String, Map<String, String>> blocks() throws IOException {
    String js = Files.readString(WIRE_JS);
    Map<String, Map<String, String>> blocks = new LinkedHashMap<>();
    Matcher b = BLOCK.matcher(js);
    while (b.find()) {
      Map<String, String> entries = new LinkedHashMap<>();
      Matcher e = ENTRY.matcher(b.group(2));
      while (e.find()) {
        entries.put(e.group(1), e.group(3) != null ? e.group(3) : e.group(4));
      }
      blocks.put(b.group(1), entries);
    }
    return blocks;
  }

  private static <E extends Enum<E>> Map<String, String> javaSide(Class<E> type, Function<E, Object> wireValue) {
    return Arrays.stream(type.getEnumConstants())
        .collect(Collectors.toMap(Enum::name, c -> String.valueOf(wireValue.apply(c)), (a, b) -> a, LinkedHashMap::new));
  }

  @Test
  void messageTypesMatch() throws IOException {
    assertEquals(javaSide(MessageType.class, MessageType::wireName), blocks().get("TYPE"), "TYPE in " + WIRE_JS);
  }

  @Test
  void errorCodesMatch() throws IOException {
    assertEquals(javaSide(ErrorCode.class, ErrorCode::wireCode), blocks().get("ERROR"), "ERROR in " + WIRE_JS);
  }

  @Test
  void closeCodesMatch() throws IOException {
    assertEquals(javaSide(CloseCode.class, CloseCode::code), blocks().get("CLOSE"), "CLOSE in " + WIRE_JS);
  }

  @Test
  void leaveReasonsAndRolesMatch() throws IOException {
    assertEquals(javaSide(LeaveReason.class, LeaveReason::wireName), blocks().get("LEAVE_REASON"), "LEAVE_REASON in " + WIRE_JS);
    assertEquals(javaSide(Role.class, Role::wireName), blocks().get("ROLE"), "ROLE in " + WIRE_JS);
  }

  @Test
  void theSubprotocolNamesMatch() throws IOException {
    assertEquals(Map.of("NAME", PresentedToken.SUBPROTOCOL, "TOKEN_PREFIX", PresentedToken.TOKEN_PREFIX),
        blocks().get("SUBPROTOCOL"), "SUBPROTOCOL in " + WIRE_JS);
  }

  @Test
  void theSameCloseCodesAreFinal() throws IOException {
    Matcher m = FINAL.matcher(Files.readString(WIRE_JS));
    assertTrue(m.find(), "FINAL_CLOSE_CODES not found in " + WIRE_JS);
    Set<String> page = Arrays.stream(m.group(1).split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .map(s -> s.replace("CLOSE.", ""))
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> server = Arrays.stream(CloseCode.values())
        .filter(CloseCode::isFinal)
        .map(Enum::name)
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(server, page, "FINAL_CLOSE_CODES in " + WIRE_JS);
  }

  @Test
  void everyErrorThatClosesNamesItsCloseCode() {
    for (ErrorCode code : ErrorCode.values()) {
      code.closeCode().ifPresent(close -> assertEquals(code.name(), close.name(), code + " closes with a code of its own name"));
    }
  }
}
