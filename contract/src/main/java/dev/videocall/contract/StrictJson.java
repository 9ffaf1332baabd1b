package dev.videocall.contract;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * JSON exactly as RFC 8259 writes it, for everything that arrives from outside: browser frames,
 * envelopes and deliveries, call requests. Gson's own parsers are lenient (unquoted and
 * single-quoted names, comments, {@code NaN}, trailing text) and let the later of two equal names in
 * one object win silently, so {@code {"type":"offer",…,"type":"bye"}} would read as a hang-up.
 *
 * <p>One streaming pass with the reader set to {@link Strictness#STRICT} checks the syntax and
 * refuses a name that appears twice in the same object, at any depth; only then is the text turned
 * into a tree (by Gson, which reads strictly valid JSON the same way in every mode). Never throws
 * anything but {@link Invalid}.
 */
public final class StrictJson {
  private StrictJson() {}

  /** Why a text was refused. */
  public enum Problem {
    /** Not JSON by RFC 8259 (including lenient-only forms and anything after the value). */
    SYNTAX,
    /** Well-formed, but one object names the same member twice. */
    DUPLICATE_NAME
  }

  /** A refused text: which problem, and a message safe to show to whoever sent it. */
  public static final class Invalid extends Exception {
    private final Problem problem;

    Invalid(Problem problem, String message) {
      super(message, null, false, false);
      this.problem = problem;
    }

    public Problem problem() {
      return problem;
    }
  }

  /** Names inside arrays do not exist; this marks an array's level of nesting. */
  private static final Set<String> ARRAY = Set.of();
  /** Names are echoed in the refusal; keep what a sender sees back short. */
  private static final int MAX_NAME_IN_MESSAGE = 40;

  /** Parses one JSON value, refusing anything that is not strict JSON or repeats a name. */
  public static JsonElement parse(String text) throws Invalid {
    if (text == null) {
      throw new Invalid(Problem.SYNTAX, "no JSON");
    }
    check(text);
    try {
      return JsonParser.parseString(text);
    } catch (RuntimeException e) {
      throw new Invalid(Problem.SYNTAX, "not valid JSON");
    }
  }

  private static void check(String text) throws Invalid {
    JsonReader reader = new JsonReader(new StringReader(text));
    reader.setStrictness(Strictness.STRICT);
    Deque<Set<String>> open = new ArrayDeque<>();
    try {
      while (true) {
        switch (reader.peek()) {
          case BEGIN_OBJECT -> {
            reader.beginObject();
            open.push(new HashSet<>());
          }
          case END_OBJECT -> {
            reader.endObject();
            open.pop();
          }
          case BEGIN_ARRAY -> {
            reader.beginArray();
            open.push(ARRAY);
          }
          case END_ARRAY -> {
            reader.endArray();
            open.pop();
          }
          case NAME -> {
            String name = reader.nextName();
            if (!open.element().add(name)) {
              throw new Invalid(Problem.DUPLICATE_NAME, "the name \"" + shortened(name) + "\" appears twice in one object");
            }
          }
          case STRING, NUMBER -> reader.nextString();
          case BOOLEAN -> reader.nextBoolean();
          case NULL -> reader.nextNull();
          case END_DOCUMENT -> {
            return;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // MalformedJsonException and EOFException are IOExceptions; the nesting limit is one of them.
      throw new Invalid(Problem.SYNTAX, "not valid JSON");
    }
  }

  private static String shortened(String name) {
    return name.length() <= MAX_NAME_IN_MESSAGE ? name : name.substring(0, MAX_NAME_IN_MESSAGE) + "…";
  }
}
