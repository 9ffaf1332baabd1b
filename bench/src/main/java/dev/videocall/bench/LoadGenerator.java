package dev.videocall.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.videocall.contract.invite.InviteTokens;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A load generator in its own process, pinned to its own core when the server under test is pinned to
 * the other; one instance speaks to one server, commands going one at a time over its stdin (see
 * bench/node/relay-load.mjs's header). Two generators speak that protocol: {@link #go} for latency
 * (bench/go: no collector runs while it measures) and {@link #node} for the idle sockets (the `ws`
 * client offers permessage-deflate exactly as browsers do).
 */
final class LoadGenerator implements AutoCloseable {
  /** One measured relay run: exact percentiles of every message received in the window. */
  record Relay(
      String target, String mode, int pairs, long count, double p50, double p90, double p99, double p999, double max,
      double messagesPerSecond, long unexpected, boolean deflate, double clientLoopDelayP99, double clientLoopDelayMax,
      double clientCpuShare, double clientCollections) implements LatencyPoint {
    @Override
    public double millis(double percentile) {
      return percentile == 50 ? p50 : percentile == 90 ? p90 : percentile == 99 ? p99 : percentile == 99.9 ? p999 : max;
    }
  }

  /** Exact percentiles (ms) of one set of latencies or durations; NaN where there were none. */
  record Summary(long count, double p50, double p90, double p99, double p999, double max) {
    static Summary of(JsonObject o) {
      return new Summary(o.get("count").getAsLong(), d(o, "p50"), d(o, "p90"), d(o, "p99"), d(o, "p999"), d(o, "max"));
    }
  }

  /**
   * One run of the connect-and-join load (bench/go/join.go): latency over every relayed message, and
   * over those that arrived while pairs were still starting; the time to connect a socket (dial to
   * its welcome, or peerjs-server's OPEN), to create a call over HTTP, and from a pair's start to both
   * of its people joined.
   */
  record Join(
      String target, String variant, int pairs, Summary latency, Summary whileStarting, long expected, long missing,
      long unexpected, int failedPairs, String firstError, double seconds, Summary connect, Summary create, Summary ready,
      boolean deflate, double clientLoopDelayP99, double clientCpuShare, double clientCollections) {}

  private final String target;
  private final Process process;
  private final Writer in;
  private final BufferedReader out;
  private final InviteTokens tokens;
  private final int port;
  private final Path work;
  private int linkFiles;
  private int open;

  private LoadGenerator(String target, Process process, InviteTokens tokens, int port, Path work) {
    this.target = target;
    this.process = process;
    this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.tokens = tokens;
    this.port = port;
    this.work = work;
  }

  /** The Go generator, built by scripts/bench to {@code bench/target/relay-load}. */
  static List<String> go(Path root) {
    Path binary = root.resolve("bench/target/relay-load");
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(binary + " is missing: scripts/bench builds it (cd bench/go && go build -o ../target/relay-load .)");
    }
    return List.of(binary.toString());
  }

  /** The Node generator. */
  static List<String> node(Path root) {
    return List.of("node", root.resolve("bench/node/relay-load.mjs").toString());
  }

  /**
   * @param generator {@link #go} or {@link #node}
   * @param target "videocall" (links minted with {@code tokens}) or "peerjs"
   * @param pin CPU list for taskset, or null to run unpinned
   */
  static LoadGenerator start(List<String> generator, String target, int port, boolean deflate, String pin, InviteTokens tokens,
      Path work) throws IOException {
    Files.createDirectories(work);
    List<String> command = new ArrayList<>();
    if (pin != null) {
      command.addAll(List.of("taskset", "-c", pin));
    }
    command.addAll(generator);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("TARGET", target.equals("videocall") ? "videocall" : "peerjs");
    pb.environment().put("PORT", Integer.toString(port));
    pb.environment().put("DEFLATE", deflate ? "1" : "0");
    pb.redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("relay-load.log").toFile()));
    return new LoadGenerator(target, pb.start(), tokens, port, work);
  }

  /** Opens joined pairs until {@code sockets} sockets are open. */
  int open(int sockets) throws IOException {
    String file = target.equals("videocall") ? " " + writeLinks(open / 2, (sockets + 1) / 2) : "";
    String answer = command("open " + sockets + file, "opened ");
    open = Integer.parseInt(answer.trim());
    return open;
  }

  /** A file of fresh links for pairs {@code from} to {@code to} (exclusive), one [a's, b's] each, for the generator. */
  private Path writeLinks(int from, int to) throws IOException {
    JsonArray links = new JsonArray();
    for (int i = from; i < to; i++) {
      String session = tokens.newSessionId();
      String a = "a" + linkFiles + "x" + i;
      String b = "b" + linkFiles + "x" + i;
      JsonArray pair = new JsonArray();
      pair.add(link(session, a, b));
      pair.add(link(session, b, a));
      links.add(pair);
    }
    Path p = work.resolve("links-" + ProcessHandle.current().pid() + "-" + target + "-" + linkFiles++ + ".json");
    Files.writeString(p, links.toString());
    return p;
  }

  void closeAll() throws IOException {
    command("close", "closed");
    open = 0;
  }

  /** Paced ({@code periodMillis} between a pair's rounds) or closed loop (0). */
  Relay relay(long periodMillis, int warmupSeconds, int measureSeconds) throws IOException {
    JsonObject r = json(command("relay " + periodMillis + " " + warmupSeconds + " " + measureSeconds, "result "));
    return relay(r, periodMillis == 0 ? "closed loop" : "1 round/" + periodMillis + " ms");
  }

  /** From the first round on: one result per window of {@code windowSeconds}, then one for the whole span (last). */
  List<Relay> startup(long periodMillis, int seconds, int windowSeconds) throws IOException {
    JsonObject r = json(command("startup " + periodMillis + " " + seconds + " " + windowSeconds, "result "));
    List<Relay> windows = new ArrayList<>();
    List<JsonObject> spans = new ArrayList<>();
    r.getAsJsonArray("windows").forEach(w -> spans.add(w.getAsJsonObject()));
    spans.add(r.getAsJsonObject("all"));
    for (JsonObject o : spans) {
      o.add("client", r.get("client"));
      o.add("deflate", r.get("deflate"));
      o.addProperty("messagesPerSecond", o.get("count").getAsDouble() / (o.get("to").getAsDouble() - o.get("from").getAsDouble()));
      o.addProperty("unexpected", 0);
      windows.add(relay(o, "first " + o.get("from").getAsInt() + "–" + o.get("to").getAsInt() + " s"));
    }
    return windows;
  }

  /**
   * Starts {@code pairs} pairs over {@code spreadMillis}, each connecting, joining and signalling two
   * calls while later pairs still connect (bench/go/join.go). Ours: with {@code createCalls}, each
   * pair first creates its call with {@code POST /api/calls}; without, its links are minted here,
   * before the run. The sockets are closed when it returns.
   */
  Join join(int pairs, long spreadMillis, boolean createCalls) throws IOException {
    String source = "-";
    String variant = "";
    if (target.equals("videocall")) {
      variant = createCalls ? "calls created during the run" : "calls created before";
      source = createCalls ? "create" : writeLinks(0, pairs).toString();
    }
    JsonObject r = json(command("join " + pairs + " " + spreadMillis + " " + source, "result "));
    JsonObject client = r.getAsJsonObject("client");
    return new Join(target, variant, pairs, Summary.of(r), Summary.of(r.getAsJsonObject("whileStarting")), r.get("expected").getAsLong(),
        r.get("missing").getAsLong(), r.get("unexpected").getAsLong(), r.get("failedPairs").getAsInt(),
        r.has("firstError") ? r.get("firstError").getAsString() : null, d(r, "seconds"), Summary.of(r.getAsJsonObject("connect")),
        Summary.of(r.getAsJsonObject("create")), Summary.of(r.getAsJsonObject("ready")), r.get("deflate").getAsBoolean(),
        d(client, "loopDelayP99Ms"), d(client, "cpuShare"), d(client, "collections"));
  }

  private Relay relay(JsonObject r, String mode) {
    JsonObject client = r.getAsJsonObject("client");
    return new Relay(target, mode, open / 2, r.get("count").getAsLong(), d(r, "p50"), d(r, "p90"), d(r, "p99"), d(r, "p999"), d(r, "max"),
        d(r, "messagesPerSecond"), r.get("unexpected").getAsLong(), r.get("deflate").getAsBoolean(), d(client, "loopDelayP99Ms"),
        d(client, "loopDelayMaxMs"), d(client, "cpuShare"), client.has("collections") ? d(client, "collections") : Double.NaN);
  }

  private static double d(JsonObject o, String name) {
    return o.get(name).isJsonNull() ? Double.NaN : o.get(name).getAsDouble();
  }

  private String link(String session, String self, String peer) {
    String token = tokens.mint(session, self, peer, Instant.now().plusSeconds(6 * 3600));
    return "ws://127.0.0.1:" + port + "/video/connections?userID=" + self + "&peerID=" + peer + "&token=" + token;
  }

  private static JsonObject json(String text) {
    return JsonParser.parseString(text).getAsJsonObject();
  }

  private String command(String line, String answerPrefix) throws IOException {
    in.write(line + "\n");
    in.flush();
    String answer = out.readLine();
    if (answer == null) {
      throw new IOException("the load generator exited (see " + work.resolve("relay-load.log") + ")");
    }
    if (!answer.startsWith(answerPrefix)) {
      throw new IOException("load generator: " + answer);
    }
    return answer.substring(answerPrefix.length());
  }

  @Override
  public void close() throws InterruptedException {
    try {
      in.write("quit\n");
      in.flush();
    } catch (IOException gone) {
      // already exited
    }
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
