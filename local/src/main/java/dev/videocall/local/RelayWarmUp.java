package dev.videocall.local;

import ch.qos.logback.classic.Level;
import dev.videocall.contract.invite.PresentedToken;
import dev.videocall.core.CallCreator;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Only when asked ({@code WARM_UP_MESSAGES}, which the benchmarks set): before the embedded stack
 * opens its port, relays call-shaped signaling (an offer, an answer, ten candidates each way, over and
 * over) through a throwaway copy of the stack on loopback. The JIT compiles per method, not per
 * object, so the real stack starts with its relay path compiled, and a benchmark's first seconds
 * measure the relay rather than the compiler. It relays a set number of messages and then goes on
 * until the JIT has settled ({@link JitSettling}), because the optimising compiler defers work while
 * its queue is long. It costs seconds of start-up, which is why nobody else waits for it
 * (docs/performance.md).
 *
 * <p>The copy is a separate stack with its own signing key, presence and limits (lifted: all its
 * traffic is ours, from 127.0.0.1); it is gone before the real one starts, and nothing of it is
 * shared with it. The frames are those a browser sends, so the relay's fast path is what gets
 * compiled.
 */
final class RelayWarmUp {
  private static final Logger log = LoggerFactory.getLogger(RelayWarmUp.class);

  /** Calls relaying at once: enough for Jetty's threads to take turns, as under real load. */
  private static final int PAIRS = 8;
  private static final int CANDIDATES_EACH_WAY = 10;
  private static final int MESSAGES_PER_ROUND = 2 + 2 * CANDIDATES_EACH_WAY;
  /** The port opens after this long whatever happened: a warm-up must never keep the server from starting. */
  private static final Duration LIMIT = Duration.ofSeconds(10);
  /** How long the calls may take to end the rounds they are in once told to stop. */
  private static final Duration ROUND_GRACE = Duration.ofSeconds(2);
  /**
   * The warm-up ends after QUIET_WINDOWS windows of traffic in a row in which the JIT compiled for no
   * longer than QUIET_COMPILE each (JitSettling): a second of relaying with the compilers at rest.
   */
  private static final Duration SETTLE_WINDOW = Duration.ofMillis(250);
  private static final Duration QUIET_COMPILE = Duration.ofMillis(25);
  private static final int QUIET_WINDOWS = 4;

  /** About the size of a browser's offer with one audio and one video section. */
  private static final String SDP = sdp(4000);
  private static final String CANDIDATE =
      "{\"type\":\"candidate\",\"ice\":{\"candidate\":\"candidate:842163049 1 udp 1677729535 203.0.113.7 46154"
          + " typ srflx raddr 10.0.0.2 rport 46154 generation 0 ufrag EsAw network-cost 999\",\"sdpMid\":\"0\","
          + "\"sdpMLineIndex\":0,\"usernameFragment\":\"EsAw\"}}";

  private RelayWarmUp() {}

  /** What a warm-up did, for the start-up log line. */
  record Result(long messages, Duration took, boolean complete, boolean settled) {}

  /**
   * Relays at least {@code messages} messages, then goes on until the JIT has settled (at most until
   * {@link #LIMIT}), ends every call's round and tears the copy down again. The copy never listens on
   * {@code realPort}, the port the real stack opens next (0: any port will do).
   */
  static Result run(int messages, int realPort) throws Exception {
    long start = System.nanoTime();
    long deadline = start + LIMIT.toNanos();
    ch.qos.logback.classic.Logger ours = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.videocall");
    Level level = ours.getLevel();
    // The copy's calls are not anyone's: their joins and leaves would only bury the start-up lines.
    ours.setLevel(Level.WARN);
    AtomicLong relayed = new AtomicLong();
    AtomicBoolean enough = new AtomicBoolean();
    boolean complete = false;
    boolean settled = false;
    try (LocalStack copy = awayFrom(realPort, () -> LocalStack.startOnLoopback(copyConfig()), LocalStack::port);
        HttpClient http = HttpClient.newHttpClient()) {
      List<Pair> pairs = new ArrayList<>();
      for (int i = 0; i < PAIRS; i++) {
        pairs.add(Pair.open(http, copy, i, enough, relayed));
      }
      CompletableFuture<Void> allDone = CompletableFuture.allOf(pairs.stream().map(p -> p.done).toArray(CompletableFuture[]::new));
      pairs.forEach(Pair::startRound);
      try {
        settled = relayUntilSettled(relayed, messages, allDone, deadline);
      } finally {
        enough.set(true);
      }
      // Every call ends its last round before the sockets go: nothing is in flight when they do.
      try {
        allDone.get(ROUND_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        complete = true;
      } catch (TimeoutException e) {
        log.atWarn().addKeyValue("relayed", relayed.get()).log("warm-up's calls did not end their rounds within {}", ROUND_GRACE);
      } finally {
        // Also when a call failed: the client's close waits for every socket it still holds.
        pairs.forEach(Pair::abort);
      }
    } finally {
      ours.setLevel(level);
    }
    return new Result(relayed.get(), Duration.ofNanos(System.nanoTime() - start), complete, settled);
  }

  /**
   * Lets the calls relay, window by window, until at least {@code messages} have gone and the JIT has
   * settled; false when the deadline came first or a call ended early. Where the JVM does not measure
   * compile time, the message count alone decides.
   */
  private static boolean relayUntilSettled(AtomicLong relayed, int messages, CompletableFuture<Void> allDone, long deadline)
      throws InterruptedException {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    boolean measurable = jit != null && jit.isCompilationTimeMonitoringSupported();
    JitSettling settling = new JitSettling(QUIET_COMPILE.toMillis(), QUIET_WINDOWS);
    while (System.nanoTime() < deadline && !allDone.isDone()) {
      Thread.sleep(SETTLE_WINDOW.toMillis());
      boolean settled = !measurable || settling.settledAfter(jit.getTotalCompilationTime());
      if (settled && relayed.get() >= messages) {
        return true;
      }
    }
    return false;
  }

  /**
   * Starts a server on a port of the system's choosing that is not {@code avoid}. Whoever starts this
   * process may have picked its port by letting the system choose one and closing it again (tests
   * and the bench do); the copy's own choice can then be that very port, and while the copy warms up,
   * a readiness check would find its page and send its clients to it. The first start, when it took
   * that port, holds it while the second chooses.
   */
  static <T extends AutoCloseable> T awayFrom(int avoid, Callable<T> start, ToIntFunction<T> portOf) throws Exception {
    T first = start.call();
    if (avoid == 0 || portOf.applyAsInt(first) != avoid) {
      return first;
    }
    try (first) {
      return start.call();
    }
  }

  private static LocalConfig copyConfig() {
    return LocalConfig.fromEnv(Map.of(
        "PORT", "0",
        "GATEWAY_ID", "warm-up",
        "ALLOW_MISSING_ORIGIN", "true",
        "FRAME_RATE_PER_SECOND", "1000000000",
        "FRAME_BURST", "1000000000",
        "MAX_NEW_CONNECTIONS_PER_ADDRESS_PER_MINUTE", "1000000",
        "SHUTDOWN_GRACE_SECONDS", "1",
        "WARM_UP_MESSAGES", "0"));
  }

  /** One call of the copy: its two sockets, and the rounds it relays until it has relayed enough. */
  private static final class Pair {
    private final Side offerer = new Side();
    private final Side answerer = new Side();
    private final AtomicInteger round = new AtomicInteger();
    private final AtomicBoolean enough;
    private final AtomicLong relayed;
    /** Completed when this call has ended its last round. */
    final CompletableFuture<Void> done = new CompletableFuture<>();

    private Pair(AtomicBoolean enough, AtomicLong relayed) {
      this.enough = enough;
      this.relayed = relayed;
    }

    static Pair open(HttpClient http, LocalStack copy, int index, AtomicBoolean enough, AtomicLong relayed) throws Exception {
      Pair pair = new Pair(enough, relayed);
      CallCreator.CreatedCall call = copy.callCreator().create(List.of("w" + index + "a", "w" + index + "b"), "http://127.0.0.1");
      List<String> links = List.copyOf(call.links().values());
      pair.offerer.connect(http, copy.port(), links.get(0), pair::onOffererMessage);
      pair.answerer.connect(http, copy.port(), links.get(1), pair::onAnswererMessage);
      return pair;
    }

    void startRound() {
      if (enough.get()) {
        done.complete(null);
        return;
      }
      offerer.send("{\"type\":\"offer\",\"sdp\":\"" + SDP + "\"}");
    }

    private void onAnswererMessage(String frame) {
      if (frame.startsWith("{\"type\":\"offer\"")) {
        answerer.send("{\"type\":\"answer\",\"sdp\":\"" + SDP + "\"}");
        for (int i = 0; i < CANDIDATES_EACH_WAY; i++) {
          answerer.send(CANDIDATE);
        }
      }
      counted(frame);
    }

    private void onOffererMessage(String frame) {
      if (frame.startsWith("{\"type\":\"answer\"")) {
        for (int i = 0; i < CANDIDATES_EACH_WAY; i++) {
          offerer.send(CANDIDATE);
        }
      }
      counted(frame);
    }

    private void counted(String frame) {
      if (frame.startsWith("{\"type\":\"error\"")) {
        done.completeExceptionally(new IllegalStateException("the warm-up's copy refused a frame: " + frame));
      } else if (frame.startsWith("{\"type\":\"offer\"") || frame.startsWith("{\"type\":\"answer\"")
          || frame.startsWith("{\"type\":\"candidate\"")) {
        relayed.incrementAndGet();
        if (round.incrementAndGet() == MESSAGES_PER_ROUND) {
          round.set(0);
          startRound();
        }
      }
    }

    void abort() {
      offerer.abort();
      answerer.abort();
    }
  }

  /** One socket of the copy, joined as the page joins; sends one at a time, in order. */
  private static final class Side implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();
    private Consumer<String> onMessage;
    private WebSocket socket;
    private CompletableFuture<WebSocket> lastSend;

    void connect(HttpClient http, int port, String link, Consumer<String> onMessage) throws Exception {
      this.onMessage = onMessage;
      URI uri = URI.create(link);
      String token = URLDecoder.decode(uri.getRawFragment().substring("token=".length()), StandardCharsets.UTF_8);
      socket = http.newWebSocketBuilder()
          .subprotocols(PresentedToken.SUBPROTOCOL, PresentedToken.TOKEN_PREFIX + token)
          .buildAsync(URI.create("ws://127.0.0.1:" + port + "/video/connections?" + uri.getRawQuery()), this)
          .get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      lastSend = CompletableFuture.completedFuture(socket);
    }

    /** The client allows one send at a time: each waits for the one before it. */
    synchronized void send(String frame) {
      lastSend = lastSend.thenCompose(ws -> ws.sendText(frame, true));
    }

    void abort() {
      if (socket != null) {
        socket.abort();
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String frame = partial.toString();
        partial.setLength(0);
        onMessage.accept(frame);
      }
      webSocket.request(1);
      return null;
    }
  }

  /** An SDP of about {@code chars} characters, its line ends escaped as JSON spells them. */
  private static String sdp(int chars) {
    StringBuilder b = new StringBuilder("v=0\\r\\no=- 4611731400430051336 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\n");
    while (b.length() < chars) {
      b.append("a=candidate:1467250027 1 udp 2122260223 192.168.0.196 46243 typ host generation 0\\r\\n");
    }
    return b.toString();
  }
}
