package dev.videocall.emulated;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * What stands where Cloud Run's front end stands: between the emulator's push and the router. The
 * emulator pushes router-push's messages here and this forwards each POST to the router unchanged and
 * answers with the router's status, counting what passed. The tests and the benchmarks put it in the
 * path to see and shape the pushes: counts, the router's time per push, fault injection, the
 * production model's added delays and a router started by its first request.
 * {@code scripts/run --emulated-cloud} pushes to the router directly.
 */
public final class PushFront implements AutoCloseable {
  // HTTP/1.1 as Pub/Sub push speaks to a plain endpoint: the JDK client's default h2c upgrade
  // attempt is not something the real push ever does.
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "push-front");
    t.setDaemon(true);
    return t;
  });
  private final Supplier<URI> router;
  /** Pushes the router answered with 2xx (what Pub/Sub acknowledges when nothing is injected). */
  public final AtomicLong pushed = new AtomicLong();
  /**
   * Of {@link #pushed}, those whose message the router had already handled: Pub/Sub delivers at least
   * once, and the emulator redelivers a message whose acknowledgement came after its deadline.
   */
  public final AtomicLong pushedAgain = new AtomicLong();
  /** Pushes answered with anything else, injected failures included (Pub/Sub redelivers them). */
  public final AtomicLong failed = new AtomicLong();
  /** Faults injected so far: failures, second POSTs and lost acknowledgements. */
  public final AtomicLong injected = new AtomicLong();
  /**
   * When on: every seventh push fails as a function error would (500, the router not called), each
   * handled push is POSTed to the router a second time, and every third handled one is answered 500
   * after the router handled it (a lost acknowledgement): the emulator redelivers those.
   */
  public volatile boolean injectRedeliveries;
  /** Waited before each push is forwarded: the production model's push delivery and request overhead. */
  public volatile Duration delayBeforePush = Duration.ZERO;
  /** Told how long each successful POST to the router took, in nanoseconds (the benchmarks' function share). */
  public volatile LongConsumer onPushed = nanos -> {};
  private final AtomicLong attempts = new AtomicLong();
  private final AtomicLong handled = new AtomicLong();
  private final Set<String> handledMessageIds = ConcurrentHashMap.newKeySet();

  /**
   * Listens on a free loopback port; {@code router} is looked up for every push, so the production
   * model can start the router on the first one, as Cloud Run starts an instance for a request.
   */
  public PushFront(Supplier<URI> router) throws IOException {
    this.router = router;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  /** Where router-push pushes. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    int status;
    try {
      status = forward(body, exchange.getRequestHeaders().getFirst("content-type"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = 503;
    } catch (IOException | RuntimeException e) {
      status = 502;
    }
    if (status / 100 != 2) {
      failed.incrementAndGet();
    }
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }

  private int forward(byte[] body, String contentType) throws IOException, InterruptedException {
    if (!delayBeforePush.isZero()) {
      Thread.sleep(delayBeforePush.toMillis(), delayBeforePush.toNanosPart() % 1_000_000);
    }
    boolean inject = injectRedeliveries;
    if (inject && attempts.incrementAndGet() % 7 == 0) {
      injected.incrementAndGet();
      return 500;
    }
    HttpRequest request = HttpRequest.newBuilder(router.get())
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .header("content-type", contentType == null ? "application/json" : contentType)
        .build();
    long started = System.nanoTime();
    int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    if (status / 100 != 2) {
      return status;
    }
    onPushed.accept(System.nanoTime() - started);
    pushed.incrementAndGet();
    if (!handledMessageIds.add(messageId(body))) {
      pushedAgain.incrementAndGet();
    }
    if (inject) {
      // A push endpoint may be called again for a message it already handled.
      http.send(request, HttpResponse.BodyHandlers.discarding());
      injected.incrementAndGet();
      if (handled.incrementAndGet() % 3 == 0) {
        // As if the acknowledgement was lost: the emulator redelivers this message.
        injected.incrementAndGet();
        return 500;
      }
    }
    return status;
  }

  /** The push's {@code message.messageId}, or the whole body when it has none. */
  private static String messageId(byte[] body) {
    String json = new String(body, StandardCharsets.UTF_8);
    try {
      JsonObject message = JsonParser.parseString(json).getAsJsonObject().getAsJsonObject("message");
      if (message != null && message.has("messageId")) {
        return message.get("messageId").getAsString();
      }
    } catch (RuntimeException notAPush) {
      // Counted by its body below.
    }
    return json;
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
