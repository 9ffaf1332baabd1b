package dev.videocall.gateway.gcp;

import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutureCallback;
import com.google.api.core.ApiFutures;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.videocall.contract.Envelope;
import dev.videocall.contract.EnvelopeSink;
import dev.videocall.contract.WireCodec;
import dev.videocall.gcp.Attributes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingress port on Pub/Sub: every envelope goes to the ingress topic with its connection id as
 * ordering key, so one person's frames reach the router in order.
 *
 * <p><b>Packing.</b> Pub/Sub pushes one message per ordering key at a time, so a connection's burst
 * (an answer and its ICE candidates) would reach the router one round trip after another. Instead,
 * a frame that finds its connection idle waits {@link #LINGER} for the rest of its burst, and each
 * connection has at most one publish in flight; frames that arrive meanwhile wait too, and they go
 * out together as one envelope (opaque frames, in order; see {@link Envelope#followedBy}), up to
 * {@link #MAX_PACKED_FRAME_CHARS}. Opens and closes never wait and are never packed; wakes go
 * by {@link #publishWake}.
 *
 * <p><b>Failures.</b> When a publish fails the client library pauses that ordering key (later
 * publishes on it fail at once) until {@code resumePublish}. The connection is reported as failed (the
 * gateway closes it with 1011 and the browser reconnects on a fresh connection and key), its waiting
 * frames are dropped, and the key is resumed before its next envelope — at the latest the close — so
 * the close still reaches the router and no paused key is left behind. (Resuming inside the failure
 * callback can run before the library pauses the key, so it is never done there.)
 */
public final class PubSubIngress implements EnvelopeSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PubSubIngress.class);
  /**
   * How long a frame that finds its connection idle waits for the rest of its burst: a browser sends
   * an answer and its first candidates within a few milliseconds, and one envelope instead of two
   * saves a whole push round trip (tens of milliseconds) for a few milliseconds here.
   */
  static final java.time.Duration LINGER = java.time.Duration.ofMillis(4);
  /** Packed frames per envelope, so an envelope stays well inside the router's body limit. */
  public static final int MAX_PACKED_FRAME_CHARS = 96 * 1024;
  /** A close that was waiting behind a failed publish is sent once the library has paused the key. */
  private static final long CLOSE_AFTER_FAILURE_MILLIS = 100;

  /** One connection's publishing state; all access holds its monitor. */
  private static final class Lane {
    final ArrayDeque<Envelope> waiting = new ArrayDeque<>();
    boolean publishing;
    boolean closed;
  }

  private final Publisher publisher;
  private final BiConsumer<String, Throwable> onConnectionFailed;
  private final Set<String> pausedKeys = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();
  /** Runs the lingering frames' publishes and the closes sent again after a failure. */
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "ingress-timer");
    t.setDaemon(true);
    return t;
  });
  private final ExecutorService continuation = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "ingress-next");
    t.setDaemon(true);
    return t;
  });

  public PubSubIngress(Publisher publisher, BiConsumer<String, Throwable> onConnectionFailed) {
    this.publisher = publisher;
    this.onConnectionFailed = onConnectionFailed;
  }

  @Override
  public void accept(Envelope envelope) {
    String key = envelope.orderingKey();
    Lane lane = lanes.computeIfAbsent(key, k -> new Lane());
    synchronized (lane) {
      if (lane.publishing) {
        lane.waiting.add(envelope);
        return;
      }
      lane.publishing = true;
      lane.closed |= envelope.event() == Envelope.Event.CLOSE;
      if (envelope.event() == Envelope.Event.FRAME) {
        lane.waiting.add(envelope);
        timer.schedule(() -> next(key, lane), LINGER.toNanos(), TimeUnit.NANOSECONDS);
        return;
      }
    }
    publish(key, lane, List.of(envelope));
  }

  /**
   * A wake, published at once (it belongs to no connection and goes at most once a minute, so it needs
   * no lane), and told when the topic has it: a starting gateway lets it go before its other clients.
   */
  public CompletableFuture<String> publishWake(Envelope wake) {
    String key = wake.orderingKey();
    if (pausedKeys.remove(key)) {
      publisher.resumePublish(key);
    }
    CompletableFuture<String> done = new CompletableFuture<>();
    ApiFutures.addCallback(publisher.publish(message(wake)), new ApiFutureCallback<>() {
      @Override
      public void onSuccess(String messageId) {
        done.complete(messageId);
      }

      @Override
      public void onFailure(Throwable t) {
        pausedKeys.add(key); // resumed before the next wake (a wake missed is only that: RouterWake)
        done.completeExceptionally(t);
      }
    }, continuation);
    return done;
  }

  /** Connections with a publish in flight or frames waiting; for tests and diagnostics. */
  int lanes() {
    return lanes.size();
  }

  private void publish(String key, Lane lane, List<Envelope> batch) {
    if (pausedKeys.remove(key)) {
      publisher.resumePublish(key);
    }
    List<ApiFuture<String>> sent = new ArrayList<>(batch.size());
    for (Envelope e : batch) {
      sent.add(publisher.publish(message(e)));
    }
    ApiFutures.addCallback(
        ApiFutures.allAsList(sent),
        new ApiFutureCallback<>() {
          @Override
          public void onSuccess(List<String> messageIds) {
            next(key, lane);
          }

          @Override
          public void onFailure(Throwable t) {
            failed(key, lane, batch, t);
          }
        },
        // Not the completing thread: publishing the next batch from inside the publisher's own
        // completion left keys stuck in its buffer (seen in the fault run). A lane's order is kept
        // by its lock and the one publish in flight, whatever thread continues it.
        continuation);
  }

  /** Sends what waited while the last publish was in flight, packed; or ends the lane's turn. */
  private void next(String key, Lane lane) {
    List<Envelope> batch;
    synchronized (lane) {
      if (lane.waiting.isEmpty()) {
        lane.publishing = false;
        if (lane.closed) {
          lanes.remove(key, lane);
        }
        return;
      }
      batch = packed(lane.waiting);
      lane.waiting.clear();
      lane.closed |= batch.get(batch.size() - 1).event() == Envelope.Event.CLOSE;
    }
    publish(key, lane, batch);
  }

  private void failed(String key, Lane lane, List<Envelope> batch, Throwable t) {
    pausedKeys.add(key);
    Envelope first = batch.get(0);
    log.atWarn()
        .addKeyValue("connectionId", first.connectionId())
        .addKeyValue("seq", first.seq())
        .addKeyValue("error", String.valueOf(t.getMessage()))
        .log("ingress publish failed; connection will be closed");
    Envelope waitingClose;
    synchronized (lane) {
      // The connection is being closed: what it sent meanwhile is dropped, but its close must go out.
      waitingClose = lane.waiting.stream().filter(e -> e.event() == Envelope.Event.CLOSE).findFirst().orElse(null);
      lane.waiting.clear();
      lane.publishing = false;
      if (lane.closed && waitingClose == null) {
        lanes.remove(key, lane);
      }
    }
    if (batch.stream().noneMatch(e -> e.event() == Envelope.Event.CLOSE) && waitingClose == null) {
      onConnectionFailed.accept(first.connectionId(), t);
    }
    if (waitingClose != null) {
      timer.schedule(() -> accept(waitingClose), CLOSE_AFTER_FAILURE_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** Consecutive frames packed into one envelope (within the size budget); opens and closes alone. */
  static List<Envelope> packed(Iterable<Envelope> waiting) {
    List<Envelope> out = new ArrayList<>();
    List<Envelope> run = new ArrayList<>();
    int chars = 0;
    for (Envelope e : waiting) {
      int size = 0;
      for (String f : e.frames()) {
        size += f.length();
      }
      boolean fits = !run.isEmpty() && e.event() == Envelope.Event.FRAME && chars + size <= MAX_PACKED_FRAME_CHARS;
      if (!fits) {
        flush(run, out);
        chars = 0;
      }
      run.add(e);
      chars += size;
      if (e.event() != Envelope.Event.FRAME) {
        flush(run, out);
        chars = 0;
      }
    }
    flush(run, out);
    return out;
  }

  /**
   * A run of consecutive frame envelopes as one, built once (what {@link Envelope#followedBy} gives
   * for the run, without a list per step); a lone envelope as it is.
   */
  private static void flush(List<Envelope> run, List<Envelope> out) {
    if (run.size() == 1) {
      out.add(run.get(0));
    } else if (run.size() > 1) {
      List<String> frames = new ArrayList<>();
      for (Envelope e : run) {
        frames.addAll(e.frames());
      }
      Envelope first = run.get(0);
      Envelope last = run.get(run.size() - 1);
      out.add(new Envelope(first.connectionId(), first.gatewayId(), Envelope.Event.FRAME, last.seq(), first.userId(), first.peerId(),
          first.token(), frames, null, first.userAgent(), null));
    }
    run.clear();
  }

  /** What one envelope becomes on the topic (package-private for the bench's IngressCost). */
  static PubsubMessage message(Envelope envelope) {
    return PubsubMessage.newBuilder()
        .setData(ByteString.copyFrom(WireCodec.encode(envelope), StandardCharsets.UTF_8))
        .putAttributes(Attributes.GATEWAY, envelope.gatewayId())
        .putAttributes(Attributes.CONNECTION, envelope.connectionId())
        .setOrderingKey(envelope.orderingKey())
        .build();
  }

  @Override
  public void close() throws InterruptedException {
    timer.shutdown();
    continuation.shutdown();
    continuation.awaitTermination(1, TimeUnit.SECONDS);
    timer.awaitTermination(1, TimeUnit.SECONDS);
    publisher.shutdown();
    publisher.awaitTermination(5, TimeUnit.SECONDS);
  }
}
