package dev.videocall.functions;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The body Pub/Sub push sends: {@code {"message":{"data":base64,"attributes":{…},"messageId",
 * "orderingKey"},"subscription"}}. Only the decoded data is needed here.
 */
final class PushRequest {
  private PushRequest() {}

  /** The message data as UTF-8 text, or empty when the body is not a push request. */
  static Optional<String> data(String body) {
    try {
      JsonElement root = JsonParser.parseString(body);
      if (!root.isJsonObject() || !(root.getAsJsonObject().get("message") instanceof JsonObject message)) {
        return Optional.empty();
      }
      JsonElement data = message.get("data");
      if (data == null || !data.isJsonPrimitive()) {
        return Optional.empty();
      }
      return Optional.of(new String(Base64.getDecoder().decode(data.getAsString()), StandardCharsets.UTF_8));
    } catch (RuntimeException | StackOverflowError e) {
      return Optional.empty();
    }
  }
}
