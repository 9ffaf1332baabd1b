package dev.videocall.functions;

import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.videocall.contract.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The body Pub/Sub push sends: {@code {"message":{"data":base64,"attributes":{…},"messageId",
 * "orderingKey"},"subscription"}}, read as every JSON from outside is ({@link StrictJson}). Only the
 * decoded data is needed here.
 */
final class PushRequest {
  private PushRequest() {}

  /** The message data as UTF-8 text, or empty when the body is not a push request. */
  static Optional<String> data(String body) {
    try {
      if (StrictJson.parse(body) instanceof JsonObject root
          && root.get("message") instanceof JsonObject message
          && message.get("data") instanceof JsonPrimitive data
          && data.isString()) {
        return Optional.of(new String(Base64.getDecoder().decode(data.getAsString()), StandardCharsets.UTF_8));
      }
      return Optional.empty();
    } catch (StrictJson.Invalid | IllegalArgumentException notAPushBody) {
      return Optional.empty();
    }
  }
}
