package dev.videocall.contract;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * JSON exactly as RFC 8259 writes it, for everything that arrives from outside: browser frames,
 * envelopes and deliveries, Pub/Sub push bodies, call requests. Gson's own parsers are lenient
 * (unquoted and single-quoted names, comments, {@code NaN}, trailing text, a leading byte order
 * mark) and let the later of two equal names in one object win silently, so
 * {@code {"type":"offer",…,"type":"bye"}} would read as a hang-up.
 *
 * <p>One pass: Gson builds its tree from its own reader set to {@link Strictness#STRICT}, and the
 * reader refuses a name that appears twice in the same object, at any depth, and a string (or name)
 * holding an unpaired surrogate (the escape of a lone U+D800, say, which {@code JSON.stringify}
 * writes for a broken string): it is not Unicode text (I-JSON, RFC 7493, 2.1), cannot be written as
 * UTF-8, and a reader that let it through would hand it on changed. Never throws anything but
 * {@link Invalid}.
 */
public final class StrictJson {
  private StrictJson() {}

  /** Why a text was refused. */
  public enum Problem {
    /** Not JSON by RFC 8259 (including lenient-only forms, a byte order mark and anything after the value). */
    SYNTAX,
    /** Well-formed, but one object names the same member twice. */
    DUPLICATE_NAME,
    /** Well-formed, but a string holds an unpaired surrogate: not Unicode text. */
    NOT_UNICODE
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

  private static final TypeAdapter<JsonElement> TREE = new Gson().getAdapter(JsonElement.class);
  /** Names are echoed in the refusal; keep what a sender sees back short. */
  private static final int MAX_NAME_IN_MESSAGE = 40;

  /** Parses one JSON value, refusing anything that is not strict JSON, repeats a name or is not Unicode text. */
  public static JsonElement parse(String text) throws Invalid {
    if (text == null) {
      throw new Invalid(Problem.SYNTAX, "no JSON");
    }
    if (text.startsWith("\uFEFF")) {
      // Gson skips it; JSON.parse refuses it, and RFC 8259 (8.1) says not to send one.
      throw new Invalid(Problem.SYNTAX, "a byte order mark before the JSON");
    }
    CheckedReader reader = new CheckedReader(text);
    try {
      JsonElement value = TREE.read(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new Invalid(Problem.SYNTAX, "text after the JSON value");
      }
      return value;
    } catch (Refused refused) {
      throw new Invalid(refused.problem, refused.getMessage());
    } catch (IOException | RuntimeException e) {
      // MalformedJsonException and EOFException are IOExceptions; the nesting limit is one of them.
      throw new Invalid(Problem.SYNTAX, "not valid JSON");
    }
  }

  /** Gson's strict reader, refusing what strict syntax alone allows: repeated names, unpaired surrogates. */
  private static final class CheckedReader extends JsonReader {
    /** The names seen so far in each object being read, innermost first. */
    private final Deque<Set<String>> names = new ArrayDeque<>();

    CheckedReader(String text) {
      super(new StringReader(text));
      setStrictness(Strictness.STRICT);
    }

    @Override
    public void beginObject() throws IOException {
      super.beginObject();
      names.push(new HashSet<>());
    }

    @Override
    public void endObject() throws IOException {
      super.endObject();
      names.pop();
    }

    @Override
    public String nextName() throws IOException {
      String name = unicode(super.nextName());
      if (!names.element().add(name)) {
        throw new Refused(Problem.DUPLICATE_NAME, "the name \"" + shortened(name) + "\" appears twice in one object");
      }
      return name;
    }

    @Override
    public String nextString() throws IOException {
      return unicode(super.nextString());
    }
  }

  /** How the reader refuses from inside Gson's read (which only lets IOExceptions through). */
  private static final class Refused extends IOException {
    private final Problem problem;

    Refused(Problem problem, String message) {
      super(message, null);
      this.problem = problem;
    }
  }

  private static String unicode(String s) throws Refused {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new Refused(Problem.NOT_UNICODE,
            String.format("a string holds an unpaired surrogate (\\u%04x): not Unicode text", (int) c));
      }
    }
    return s;
  }

  private static String shortened(String name) {
    return name.length() <= MAX_NAME_IN_MESSAGE ? name : name.substring(0, MAX_NAME_IN_MESSAGE) + "…";
  }
}
