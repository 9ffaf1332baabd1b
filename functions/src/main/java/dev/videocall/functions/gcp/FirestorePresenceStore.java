package dev.videocall.functions.gcp;

import com.google.cloud.Timestamp;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldValue;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.SetOptions;
import com.google.cloud.firestore.Transaction;
import dev.videocall.contract.ConnectionRef;
import dev.videocall.core.Participant;
import dev.videocall.core.PresenceStore;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * Presence in Firestore, laid out for a person reading the console:
 *
 * <pre>
 * sessions/{sessionId}                      users, state (waiting|active|parked|ended), epoch,
 *                                           createdAt, updatedAt, messagesSent, expireAt (TTL)
 * sessions/{sessionId}/participants/{user}  connectionId, gatewayId, joinedAt, userAgent, expireAt,
 *                                           parkedAt (only while parked)
 * </pre>
 *
 * {@code state} says who holds a socket: {@code waiting} one person, connected; {@code active} both
 * in the call and at least one connected; {@code parked} nobody connected but someone in the call
 * (parked: the call goes on peer to peer); {@code ended} nobody. The sweeper reads only {@code
 * waiting} and {@code active} calls, so a parked call costs no reads while it lasts.
 *
 * Joins and leaves are transactions that read before they write, so a leave from an old connection
 * never removes a newer one. One participant per document keeps concurrent writers apart. Relaying
 * writes nothing: a call's documents are written only when someone joins or leaves (Firestore
 * sustains about one write per second per document).
 */
public final class FirestorePresenceStore implements PresenceStore {
  /** Keep ended calls visible in the console for a day after their links expire, then let TTL delete them. */
  static final Duration RETENTION_AFTER_EXPIRY = Duration.ofDays(1);

  private final Firestore db;

  public FirestorePresenceStore(Firestore db) {
    this.db = db;
  }

  private DocumentReference session(String sessionId) {
    return db.collection("sessions").document(sessionId);
  }

  private DocumentReference participant(String sessionId, String userId) {
    return session(sessionId).collection("participants").document(userId);
  }

  @Override
  public JoinResult join(Join join) {
    DocumentReference sessionRef = session(join.sessionId());
    DocumentReference meRef = participant(join.sessionId(), join.userId());
    DocumentReference peerRef = participant(join.sessionId(), join.peerId());
    return run(db.runTransaction(tx -> {
      List<DocumentSnapshot> docs = tx.getAll(sessionRef, meRef, peerRef).get();
      DocumentSnapshot sessionDoc = docs.get(0);
      DocumentSnapshot meDoc = docs.get(1);
      DocumentSnapshot peerDoc = docs.get(2);
      if (sessionDoc.exists() && !sameUsers(sessionDoc, join.userId(), join.peerId())) {
        return new Full();
      }
      Optional<Participant> peer = peerDoc.exists() ? Optional.of(toParticipant(peerDoc)) : Optional.empty();
      Optional<Participant> previous = meDoc.exists() ? Optional.of(toParticipant(meDoc)) : Optional.empty();
      // A parked connection is closed already: joining again (unparking) replaces nothing.
      long epoch = epochOf(sessionDoc);
      if (previous.isPresent() && previous.get().connection().equals(join.connection())) {
        return new Joined(peer, Optional.empty(), epoch);
      }
      Timestamp now = ts(join.now());
      Timestamp expireAt = ts(join.linkExpiresAt().plus(RETENTION_AFTER_EXPIRY));
      Map<String, Object> me = new HashMap<>();
      me.put("connectionId", join.connection().connectionId());
      me.put("gatewayId", join.connection().gatewayId());
      me.put("joinedAt", now);
      me.put("userAgent", join.userAgent() == null ? "" : truncate(join.userAgent(), 256));
      me.put("expireAt", expireAt);
      // Written as null rather than left out, so a reader sees the field either way; the set replaces
      // the whole document.
      me.put("parkedAt", null);
      tx.set(meRef, me);
      Map<String, Object> sessionFields = new HashMap<>();
      sessionFields.put("state", state(true, peer));
      sessionFields.put("updatedAt", now);
      sessionFields.put("expireAt", expireAt);
      sessionFields.put("epoch", epoch + 1);
      if (!sessionDoc.exists()) {
        sessionFields.put("users", List.of(join.userId(), join.peerId()).stream().sorted().toList());
        sessionFields.put("createdAt", now);
      }
      tx.set(sessionRef, sessionFields, SetOptions.merge());
      return new Joined(peer, previous.filter(Participant::connected).map(Participant::connection), epoch + 1);
    }));
  }

  @Override
  public LeaveResult leave(String sessionId, String userId, String connectionId, Instant now, long messagesSent) {
    return this.<LeaveResult>withCurrent(sessionId, userId, connectionId, new NotCurrent(), (tx, meDoc) -> {
      DocumentReference sessionRef = session(sessionId);
      DocumentSnapshot sessionDoc = tx.get(sessionRef).get();
      Optional<Participant> peer = otherParticipant(tx, sessionDoc, sessionId, userId);
      long epoch = epochOf(sessionDoc) + 1;
      tx.delete(meDoc.getReference());
      tx.update(sessionRef, Map.of(
          "state", state(false, peer),
          "updatedAt", ts(now),
          "epoch", epoch,
          "messagesSent", FieldValue.increment(messagesSent)));
      return new Left(peer, epoch);
    });
  }

  @Override
  public ParkResult park(String sessionId, String userId, String connectionId, Instant now, long messagesSent) {
    return this.<ParkResult>withCurrent(sessionId, userId, connectionId, new NotCurrent(), (tx, meDoc) -> {
      if (meDoc.get("parkedAt") != null) {
        return new Parked(); // a redelivered close: parked already
      }
      DocumentReference sessionRef = session(sessionId);
      Optional<Participant> peer = otherParticipant(tx, tx.get(sessionRef).get(), sessionId, userId);
      tx.update(meDoc.getReference(), Map.of("parkedAt", ts(now)));
      tx.update(sessionRef, Map.of(
          "state", peer.filter(Participant::connected).isPresent() ? "active" : "parked",
          "updatedAt", ts(now),
          "messagesSent", FieldValue.increment(messagesSent)));
      return new Parked();
    });
  }

  /** What a leave or a park does, in its transaction, once it knows the connection is current. */
  @FunctionalInterface
  private interface CurrentChange<R> {
    R apply(Transaction tx, DocumentSnapshot meDoc) throws Exception;
  }

  /**
   * A transaction that reads {@code userId}'s participant document first and runs {@code change} only
   * if {@code connectionId} is still their current connection, so the close of an old connection never
   * changes a newer one; answers {@code notCurrent} otherwise.
   */
  private <R> R withCurrent(String sessionId, String userId, String connectionId, R notCurrent, CurrentChange<R> change) {
    DocumentReference meRef = participant(sessionId, userId);
    return run(db.runTransaction(tx -> {
      DocumentSnapshot meDoc = tx.get(meRef).get();
      if (!meDoc.exists() || !connectionId.equals(meDoc.getString("connectionId"))) {
        return notCurrent;
      }
      return change.apply(tx, meDoc);
    }));
  }

  /** The call's state once this user has joined ({@code joined}) or left, with the peer as it is. */
  private static String state(boolean joined, Optional<Participant> peer) {
    if (joined) {
      return peer.isPresent() ? "active" : "waiting";
    }
    return peer.map(p -> p.connected() ? "waiting" : "parked").orElse("ended");
  }

  private Optional<Participant> otherParticipant(
      Transaction tx, DocumentSnapshot sessionDoc, String sessionId, String userId)
      throws InterruptedException, ExecutionException {
    @SuppressWarnings("unchecked")
    List<String> users = sessionDoc.exists() ? (List<String>) sessionDoc.get("users") : null;
    if (users == null) {
      return Optional.empty();
    }
    for (String user : users) {
      if (!user.equals(userId)) {
        DocumentSnapshot peerDoc = tx.get(participant(sessionId, user)).get();
        return peerDoc.exists() ? Optional.of(toParticipant(peerDoc)) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  @Override
  public Map<String, Participant> participants(String sessionId) {
    try {
      Map<String, Participant> out = new HashMap<>(4);
      for (QueryDocumentSnapshot doc : session(sessionId).collection("participants").get().get().getDocuments()) {
        out.put(doc.getId(), toParticipant(doc));
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PresenceUnavailableException(e);
    } catch (ExecutionException e) {
      throw new PresenceUnavailableException(e.getCause());
    }
  }

  @Override
  public List<String> openSessionIds(int limit) {
    List<String> ids = new java.util.ArrayList<>();
    // Two equality queries rather than one "in" query: simpler indexes, and the emulator we test with
    // supports equality filters for sure.
    for (String state : List.of("active", "waiting")) {
      if (ids.size() >= limit) {
        break;
      }
      var query = db.collection("sessions").whereEqualTo("state", state).limit(limit - ids.size()).select(new String[0]);
      for (QueryDocumentSnapshot doc : run(query.get()).getDocuments()) {
        ids.add(doc.getId());
      }
    }
    return ids;
  }

  private static long epochOf(DocumentSnapshot sessionDoc) {
    Long epoch = sessionDoc.exists() ? sessionDoc.getLong("epoch") : null;
    return epoch == null ? 0 : epoch;
  }

  private static boolean sameUsers(DocumentSnapshot sessionDoc, String user, String peer) {
    Object users = sessionDoc.get("users");
    return users instanceof List<?> list && list.size() == 2 && Set.copyOf(list).equals(Set.of(user, peer));
  }

  private static Participant toParticipant(DocumentSnapshot doc) {
    Timestamp parkedAt = doc.getTimestamp("parkedAt");
    return new Participant(
        doc.getId(),
        new ConnectionRef(doc.getString("gatewayId"), doc.getString("connectionId")),
        doc.getString("userAgent"),
        parkedAt == null ? null : Instant.ofEpochSecond(parkedAt.getSeconds(), parkedAt.getNanos()));
  }

  static Timestamp ts(Instant i) {
    return Timestamp.ofTimeSecondsAndNanos(i.getEpochSecond(), i.getNano());
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  private static <T> T run(com.google.api.core.ApiFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PresenceUnavailableException(e);
    } catch (ExecutionException e) {
      throw new PresenceUnavailableException(e.getCause());
    }
  }

  /** Firestore failed; the envelope should be retried. */
  public static final class PresenceUnavailableException extends RuntimeException {
    PresenceUnavailableException(Throwable cause) {
      super("presence store unavailable: " + cause.getMessage(), cause);
    }
  }
}
