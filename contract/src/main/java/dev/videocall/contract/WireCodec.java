package dev.videocall.contract;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.reflect.TypeToken;
import java.lang.reflect.Type;
import java.util.List;

/**
 * JSON form of {@link Envelope} and {@link Delivery} as they travel between the gateway and the
 * functions (Pub/Sub message data). Field names are the record component names. Decoding reads
 * strict JSON only ({@link StrictJson}): a repeated name is refused, not resolved.
 */
public final class WireCodec {
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
  private static final Type DELIVERIES = new TypeToken<List<Delivery>>() {}.getType();

  private WireCodec() {}

  public static String encode(Envelope envelope) {
    // Sized for the frames it carries, so the text is written once rather than grown by doubling.
    int chars = 256;
    for (String f : envelope.frames()) {
      chars += f.length() + f.length() / 8 + 4;
    }
    StringBuilder out = new StringBuilder(chars);
    GSON.toJson(envelope, Envelope.class, out);
    return out.toString();
  }

  /**
   * Decodes an envelope; throws {@link MalformedWireMessageException} for anything that is not one
   * (bad JSON, missing required fields), never another exception.
   */
  public static Envelope decodeEnvelope(String json) {
    try {
      Envelope e = GSON.fromJson(strict(json), Envelope.class);
      if (e == null) {
        throw new MalformedWireMessageException("empty envelope");
      }
      return e;
    } catch (MalformedWireMessageException e) {
      throw e;
    } catch (RuntimeException e) {
      // Gson and the record constructor throw several unchecked types; all mean "not an envelope".
      throw new MalformedWireMessageException("not an envelope: " + e.getMessage());
    }
  }

  /** Several deliveries to one connection, in order, as one egress message. */
  public static String encode(List<Delivery> deliveries) {
    return GSON.toJson(deliveries, DELIVERIES);
  }

  /**
   * Decodes the deliveries of one egress message (an array); throws {@link
   * MalformedWireMessageException} for anything else, including an empty array or a null entry.
   */
  public static List<Delivery> decodeDeliveries(String json) {
    try {
      List<Delivery> list = GSON.fromJson(strict(json), DELIVERIES);
      if (list == null || list.isEmpty() || list.contains(null)) {
        throw new MalformedWireMessageException("not a list of deliveries");
      }
      return List.copyOf(list);
    } catch (MalformedWireMessageException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new MalformedWireMessageException("not a list of deliveries: " + e.getMessage());
    }
  }

  private static JsonElement strict(String json) {
    try {
      return StrictJson.parse(json);
    } catch (StrictJson.Invalid e) {
      throw new MalformedWireMessageException(e.getMessage());
    }
  }

  /** Thrown when a wire message cannot be decoded; such a message is dropped, never retried. */
  public static final class MalformedWireMessageException extends RuntimeException {
    public MalformedWireMessageException(String message) {
      super(message);
    }
  }
}
