package dev.videocall.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PushRequestTest {
  static final String DATA = Base64.getEncoder().encodeToString("{\"seq\":1}".getBytes(StandardCharsets.UTF_8));

  @Test
  void readsTheDataOfAPushBody() {
    String body = "{\"message\":{\"data\":\"" + DATA + "\",\"messageId\":\"1\",\"orderingKey\":\"c1\"},\"subscription\":\"s\"}";
    assertEquals(Optional.of("{\"seq\":1}"), PushRequest.data(body));
  }

  @Test
  void aBodyThatIsNotStrictJsonOrNotAPushIsNone() {
    for (String body : new String[] {
        "\uFEFF{\"message\":{\"data\":\"" + DATA + "\"}}", // a byte order mark, which Gson alone skips
        "{\"message\":{\"data\":\"" + DATA + "\",\"data\":\"" + DATA + "\"}}", // the same name twice
        "{message:{data:\"" + DATA + "\"}}", // lenient
        "{\"message\":{\"data\":\"" + DATA + "\"}} trailing",
        "{\"message\":{\"data\":\"not base64!\"}}",
        "{\"message\":{\"data\":12}}",
        "{\"message\":\"x\"}", "[]", "", "{\"message\":{\"data\":\"\\ud800\"}}"}) {
      assertEquals(Optional.empty(), PushRequest.data(body), body);
    }
  }
}
