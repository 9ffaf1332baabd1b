package dev.videocall.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 on a plain socket, exactly the bytes a test writes: for what an HTTP library will not
 * send (a forged {@code Host}, a malformed request line, oversized headers, a WebSocket upgrade it
 * does not finish) and for reading every header of the answer as it came.
 */
public final class RawHttp {
  private RawHttp() {}

  /** An answer: status, headers by lower-case name (every value, in order), and the body as text. */
  public record Answer(int status, Map<String, List<String>> headers, String body) {
    /** The first value of a header, or null. */
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : values.get(0);
    }
  }

  /** A GET of {@code path} with {@code Connection: close}. */
  public static Answer get(int port, String path) throws IOException {
    return exchange(port, "GET " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nConnection: close\r\n\r\n");
  }

  /** Writes {@code request} as given (ISO-8859-1) and reads one answer. */
  public static Answer exchange(int port, String request) throws IOException {
    try (Socket socket = new Socket("localhost", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return readAnswer(new BufferedInputStream(socket.getInputStream()));
    }
  }

  /**
   * Reads one answer: the head, then a body by Content-Length, chunks, or up to the end of the
   * stream. Reads byte by byte: give it a buffered stream.
   */
  public static Answer readAnswer(InputStream in) throws IOException {
    String head = readHead(in);
    String[] lines = head.split("\r\n");
    String[] statusLine = lines[0].split(" ", 3);
    int status = Integer.parseInt(statusLine[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(lines[i].substring(colon + 1).trim());
      }
    }
    String length = headers.containsKey("content-length") ? headers.get("content-length").get(0) : null;
    String encoding = headers.containsKey("transfer-encoding") ? headers.get("transfer-encoding").get(0) : "";
    byte[] body;
    if (status == 101 || status == 204 || status == 304) {
      body = new byte[0];
    } else if (length != null) {
      body = in.readNBytes(Integer.parseInt(length));
    } else if (encoding.equalsIgnoreCase("chunked")) {
      body = readChunks(in);
    } else {
      body = in.readAllBytes();
    }
    return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  /** The status line and headers, up to and without the blank line. */
  static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed before the end of the answer's head: " + head);
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    return text.substring(0, text.length() - 4);
  }

  private static byte[] readChunks(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int n = chunkSize(readLine(in)); n > 0; n = chunkSize(readLine(in))) {
      body.write(in.readNBytes(n));
      readLine(in);
    }
    while (!readLine(in).isEmpty()) {
      // trailer fields, if any
    }
    return body.toByteArray();
  }

  private static int chunkSize(String line) {
    return Integer.parseInt(line.split(";")[0].trim(), 16);
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new EOFException("connection closed inside a chunked body");
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }
}
