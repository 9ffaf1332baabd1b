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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Presence in Firestore, laid out for a person reading the console:
 *
 * <pre>
 * sessions/{sessionId}                      users, state (waiting|active|parked|ended), epoch,
 *                                           createdAt, updatedAt, messagesSent, expireAt (TTL)
 * sessions/{sessionId}/participants/{user}  connectionId, gatewayId, openedAt, joinedAt, userAgent,
 *                                           expireAt, parkedAt (only while parked)
 * </pre>
 *
 * {@code users} are the call's two to four people, sorted, fixed at its first join. {@code state} says
 * who holds a socket: {@code waiting} one person in the call, connected; {@code active} two or more in
 * the call and at least one connected; {@code parked} nobody connected but someone in the call
 * (parked: the call goes on peer to peer); {@code ended} nobody. The sweeper reads only {@code
 * waiting} and {@code active} calls, so a parked call costs no reads while it lasts.
 *
 * Joins and leaves are transactions that read before they write, so a leave from an old connection
 * never removes a newer one, nor does a join from a connection opened before the current one
 * ({@code openedAt}, the gateway's time; {@code joinedAt} is the router's). One participant per document keeps concurrent writers apart (a join
 * reads the call and every member's document, N + 1 reads for N people; a leave or a park its own,
 * the call's and the others', N + 1 too). Relaying
 * writes nothing: a call's documents are written only when someone joins or leaves (Firestore
 * sustains about one write per second per document).
 */
public final class FirestorePresenceStore implements PresenceStore {
  /** Keep ended calls visible in the console for a day after their links expire, then let TTL delete them. */
  static final Duration RETENTION_AFTER_EXPIRY = Duration.ofDays(1);

  private final Firestore db;
  private final LongAdder documentsRead = new LongAdder();

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
    List<String> members = join.members().stream().sorted().toList();
    List<DocumentReference> refs = new ArrayList<>(members.size() + 1);
    refs.add(sessionRef);
    members.forEach(m -> refs.add(participant(join.sessionId(), m)));
    return run(db.runTransaction(tx -> {
      List<DocumentSnapshot> docs = read(tx, refs);
      DocumentSnapshot sessionDoc = docs.get(0);
      if (sessionDoc.exists() && !members.equals(users(sessionDoc))) {
        return new Full();
      }
      Map<String, Participant> others = new HashMap<>(4);
      Optional<Participant> previous = Optional.empty();
      DocumentReference meRef = null;
      for (DocumentSnapshot doc : docs.subList(1, docs.size())) {
        if (doc.getId().equals(join.userId())) {
          meRef = doc.getReference();
          previous = doc.exists() ? Optional.of(toParticipant(doc)) : Optional.empty();
        } else if (doc.exists()) {
          others.put(doc.getId(), toParticipant(doc));
        }
      }
      // A parked connection is closed already: joining again (unparking) replaces nothing.
      long epoch = epochOf(sessionDoc);
      if (previous.isPresent() && previous.get().connection().equals(join.connection())) {
        return new Joined(others, Optional.empty(), epoch);
      }
      if (previous.isPresent() && join.openedBefore(previous.get())) {
        return new Superseded();
      }
      Timestamp now = ts(join.now());
      Timestamp expireAt = ts(join.linkExpiresAt().plus(RETENTION_AFTER_EXPIRY));
      Map<String, Object> me = new HashMap<>();
      me.put("connectionId", join.connection().connectionId());
      me.put("gatewayId", join.connection().gatewayId());
      me.put("openedAt", join.openedAt() == null ? null : ts(join.openedAt()));
      me.put("joinedAt", now);
      me.put("userAgent", join.userAgent() == null ? "" : truncate(join.userAgent(), 256));
      me.put("expireAt", expireAt);
      // Written as null rather than left out, so a reader sees the field either way; the set replaces
      // the whole document.
      me.put("parkedAt", null);
      tx.set(meRef, me);
      Map<String, Object> sessionFields = new HashMap<>();
      sessionFields.put("state", state(others.values(), true));
      sessionFields.put("updatedAt", now);
      sessionFields.put("expireAt", expireAt);
      sessionFields.put("epoch", epoch + 1);
      if (!sessionDoc.exists()) {
        sessionFields.put("users", members);
        sessionFields.put("createdAt", now);
      }
      tx.set(sessionRef, sessionFields, SetOptions.merge());
      return new Joined(others, previous.filter(Participant::connected).map(Participant::connection), epoch + 1);
    }));
  }

  @Override
  public LeaveResult leave(String sessionId, String userId, String connectionId, Instant now, long messagesSent) {
    return this.<LeaveResult>withCurrent(sessionId, userId, connectionId, new NotCurrent(), (tx, meDoc) -> {
      DocumentReference sessionRef = session(sessionId);
      DocumentSnapshot sessionDoc = read(tx, List.of(sessionRef)).get(0);
      Map<String, Participant> others = otherParticipants(tx, sessionDoc, sessionId, userId);
      long epoch = epochOf(sessionDoc) + 1;
      tx.delete(meDoc.getReference());
      tx.update(sessionRef, Map.of(
          "state", state(others.values(), false),
          "updatedAt", ts(now),
          "epoch", epoch,
          "messagesSent", FieldValue.increment(messagesSent)));
      return new Left(others, epoch);
    });
  }

  @Override
  public ParkResult park(String sessionId, String userId, String connectionId, Instant now, long messagesSent) {
    return this.<ParkResult>withCurrent(sessionId, userId, connectionId, new NotCurrent(), (tx, meDoc) -> {
      if (meDoc.get("parkedAt") != null) {
        return new Parked(); // a redelivered close: parked already
      }
      DocumentReference sessionRef = session(sessionId);
      Map<String, Participant> others = otherParticipants(tx, read(tx, List.of(sessionRef)).get(0), sessionId, userId);
      tx.update(meDoc.getReference(), Map.of("parkedAt", ts(now)));
      tx.update(sessionRef, Map.of(
          // Parked, this user still counts as in the call but holds no socket.
          "state", others.values().stream().anyMatch(Participant::connected) ? "active" : "parked",
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
      DocumentSnapshot meDoc = read(tx, List.of(meRef)).get(0);
      if (!meDoc.exists() || !connectionId.equals(meDoc.getString("connectionId"))) {
        return notCurrent;
      }
      return change.apply(tx, meDoc);
    }));
  }

  /**
   * The call's state with {@code others} as they are and this user just joined ({@code joined}) or
   * gone: {@code ended} nobody in the call; {@code parked} nobody holding a socket; {@code waiting} one
   * person, holding one; {@code active} two or more, at least one holding a socket.
   */
  private static String state(java.util.Collection<Participant> others, boolean joined) {
    int inCall = others.size() + (joined ? 1 : 0);
    boolean someoneConnected = joined || others.stream().anyMatch(Participant::connected);
    if (inCall == 0) {
      return "ended";
    }
    if (!someoneConnected) {
      return "parked";
    }
    return inCall == 1 ? "waiting" : "active";
  }

  /** The other members in the call (connected or parked), read in the transaction in one request. */
  private Map<String, Participant> otherParticipants(
      Transaction tx, DocumentSnapshot sessionDoc, String sessionId, String userId)
      throws InterruptedException, ExecutionException {
    List<DocumentReference> refs = users(sessionDoc).stream()
        .filter(user -> !user.equals(userId))
        .map(user -> participant(sessionId, user))
        .toList();
    Map<String, Participant> others = new HashMap<>(4);
    if (refs.isEmpty()) {
      return others;
    }
    for (DocumentSnapshot doc : read(tx, refs)) {
      if (doc.exists()) {
        others.put(doc.getId(), toParticipant(doc));
      }
    }
    return others;
  }

  /** Reads documents in the transaction, in one request, counting them ({@link #documentsRead}). */
  private List<DocumentSnapshot> read(Transaction tx, List<DocumentReference> refs)
      throws InterruptedException, ExecutionException {
    documentsRead.add(refs.size());
    return tx.getAll(refs.toArray(DocumentReference[]::new)).get();
  }

  @Override
  public Map<String, Participant> participants(String sessionId) {
    try {
      Map<String, Participant> out = new HashMap<>(4);
      List<QueryDocumentSnapshot> docs = session(sessionId).collection("participants").get().get().getDocuments();
      // Firestore bills a query at least one read, even when it finds nothing.
      documentsRead.add(Math.max(1, docs.size()));
      for (QueryDocumentSnapshot doc : docs) {
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

  /**
   * Only the documents asked for, in one request: a relay reads its sender's and its recipient's,
   * two reads in a call of any size (a query of the collection would read all four).
   */
  @Override
  public Map<String, Participant> participants(String sessionId, java.util.Collection<String> userIds) {
    DocumentReference[] refs = userIds.stream().map(u -> participant(sessionId, u)).toArray(DocumentReference[]::new);
    documentsRead.add(refs.length);
    Map<String, Participant> out = new HashMap<>(4);
    for (DocumentSnapshot doc : run(db.getAll(refs))) {
      if (doc.exists()) {
        out.put(doc.getId(), toParticipant(doc));
      }
    }
    return out;
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

  /** The call's members, sorted, as its first join wrote them (none for a call not yet started). */
  private static List<String> users(DocumentSnapshot sessionDoc) {
    Object users = sessionDoc.exists() ? sessionDoc.get("users") : null;
    if (!(users instanceof List<?> list)) {
      return List.of();
    }
    return list.stream().map(String::valueOf).sorted().toList();
  }

  /**
   * Documents this instance has read from Firestore (what Firestore bills as reads, heartbeats
   * aside), for the cost figures of docs/deploy.md.
   */
  long documentsRead() {
    return documentsRead.sum();
  }

  private static Participant toParticipant(DocumentSnapshot doc) {
    return new Participant(
        doc.getId(),
        new ConnectionRef(doc.getString("gatewayId"), doc.getString("connectionId")),
        instant(doc.getTimestamp("openedAt")),
        doc.getString("userAgent"),
        instant(doc.getTimestamp("parkedAt")));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
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
