package dev.videocall.gcp;

import com.google.cloud.Timestamp;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/**
 * {@code gateways/{instanceId}}: each gateway instance writes {@code lastHeartbeatAt} every few
 * seconds; readers treat an instance whose heartbeat is older than the window as dead.
 */
public final class GatewayHeartbeats {
  /** Heartbeat documents outlive their last beat by an hour so a person can still see a crashed instance. */
  static final Duration KEEP_AFTER_LAST_BEAT = Duration.ofHours(1);

  private final Firestore db;

  public GatewayHeartbeats(Firestore db) {
    this.db = db;
  }

  /** Records a beat; throws if Firestore fails. */
  public void beat(String gatewayId, Instant startedAt, int openConnections, Instant now) {
    Map<String, Object> doc = new HashMap<>();
    doc.put("startedAt", ts(startedAt));
    doc.put("lastHeartbeatAt", ts(now));
    doc.put("openConnections", openConnections);
    doc.put("state", "serving");
    doc.put("expireAt", ts(now.plus(KEEP_AFTER_LAST_BEAT)));
    await(db.collection("gateways").document(gatewayId).set(doc));
  }

  /** Marks a clean shutdown, so readers need not wait for the window to pass. */
  public void stopped(String gatewayId, Instant now) {
    await(db.collection("gateways").document(gatewayId)
        .update(Map.of("state", "stopped", "lastHeartbeatAt", ts(Instant.EPOCH), "stoppedAt", ts(now))));
  }

  /** The last heartbeat of an instance, or empty if it never beat (or stopped cleanly). */
  public Optional<Instant> lastBeat(String gatewayId) {
    DocumentSnapshot doc = await(db.collection("gateways").document(gatewayId).get());
    Timestamp t = doc.exists() ? doc.getTimestamp("lastHeartbeatAt") : null;
    return t == null ? Optional.empty() : Optional.of(Instant.ofEpochSecond(t.getSeconds(), t.getNanos()));
  }

  private static Timestamp ts(Instant i) {
    return Timestamp.ofTimeSecondsAndNanos(i.getEpochSecond(), i.getNano());
  }

  private static <T> T await(com.google.api.core.ApiFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("firestore: " + e.getCause().getMessage(), e.getCause());
    }
  }
}
