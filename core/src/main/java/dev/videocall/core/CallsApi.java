package dev.videocall.core;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.videocall.contract.StrictJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The HTTP contract of CreateCall, apart from any server: {@code {"users":["alice","bob"]}} in,
 * {@code {"sessionId","links":{…},"expiresAt"}} out, or {@code {"error":{"code","message"}}} with
 * status 400. The embedded server and the Cloud Function both call this.
 */
public final class CallsApi {
  /** Request bodies are two to four short names; anything near this is not a real request. */
  public static final int MAX_BODY_BYTES = 4096;

  private final CallCreator creator;

  public CallsApi(CallCreator creator) {
    this.creator = creator;
  }

  /** An HTTP status, a JSON body, and the headers the answer needs beyond the content type. */
  public record Response(int status, String json, Map<String, String> headers) {
    public Response(int status, String json) {
      this(status, json, Map.of());
    }
  }

  public Response create(String body, String baseUrl) {
    List<String> users;
    try {
      users = parseUsers(body);
    } catch (CallCreator.InvalidCallRequest e) {
      return error("bad-request", e.getMessage());
    }
    try {
      CallCreator.CreatedCall call = creator.create(users, baseUrl);
      JsonObject out = new JsonObject();
      out.addProperty("sessionId", call.sessionId());
      JsonObject links = new JsonObject();
      call.links().forEach(links::addProperty);
      out.add("links", links);
      out.addProperty("expiresAt", call.expiresAt().toString());
      return new Response(200, out.toString());
    } catch (CallCreator.InvalidCallRequest e) {
      return error("bad-request", e.getMessage());
    }
  }

  private static List<String> parseUsers(String body) throws CallCreator.InvalidCallRequest {
    if (body == null || body.length() > MAX_BODY_BYTES) {
      throw new CallCreator.InvalidCallRequest("body must be a small JSON object");
    }
    JsonElement parsed;
    try {
      parsed = StrictJson.parse(body);
    } catch (StrictJson.Invalid e) {
      throw new CallCreator.InvalidCallRequest("body is not valid JSON: " + e.getMessage());
    }
    if (!parsed.isJsonObject() || !(parsed.getAsJsonObject().get("users") instanceof JsonArray array)) {
      throw new CallCreator.InvalidCallRequest("body must be {\"users\":[\"name1\",\"name2\",…]} with 2 to 4 names");
    }
    List<String> users = new ArrayList<>(array.size());
    for (JsonElement e : array) {
      if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
        throw new CallCreator.InvalidCallRequest("users must be strings");
      }
      users.add(e.getAsString());
    }
    return users;
  }

  /** The answer to anything but POST. */
  public static Response methodNotAllowed() {
    return error(405, "method-not-allowed", "use POST");
  }

  /** The answer to a browser request from a page of another site. */
  public static Response originNotAllowed() {
    return error(403, "origin-not-allowed", "this site's own page creates calls");
  }

  /** The answer to a body over {@link #MAX_BODY_BYTES}. */
  public static Response tooLarge() {
    return error(413, "too-large", "body too large");
  }

  /** The answer to a body that did not arrive within the edge's deadline. */
  public static Response tooSlow() {
    return error(408, "too-slow", "the request body did not arrive in time");
  }

  private static Response error(String code, String message) {
    return error(400, code, message);
  }

  static Response error(int status, String code, String message) {
    JsonObject err = new JsonObject();
    err.addProperty("code", code);
    err.addProperty("message", message);
    JsonObject out = new JsonObject();
    out.add("error", err);
    return new Response(status, out.toString());
  }
}
