package dev.videocall.core;

import dev.videocall.contract.ConnectionRef;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The presence port: who is in which call on which connection, and who is parked (in the call with
 * the socket closed while the call goes on peer to peer). A call is two to four people, fixed at its
 * first join. Implementations make {@link #join}, {@link
 * #park} and {@link #leave} atomic per session (a lock in memory, a transaction in Firestore). Methods
 * throw when the backing store fails; the caller lets the platform retry.
 */
public interface PresenceStore {

  /**
   * A request to become {@code userId}'s current connection in the call {@code sessionId}, whose other
   * members (1 to 3, from the link's token) are {@code peerIds}. {@code openedAt} is when that
   * connection opened by its gateway's clock (null if the gateway did not say).
   */
  record Join(
      String sessionId,
      String userId,
      List<String> peerIds,
      ConnectionRef connection,
      Instant openedAt,
      String userAgent,
      Instant linkExpiresAt,
      Instant now) {
    public Join {
      peerIds = List.copyOf(peerIds);
    }

    /** A join to a call of two. */
    public Join(
        String sessionId,
        String userId,
        String peerId,
        ConnectionRef connection,
        Instant openedAt,
        String userAgent,
        Instant linkExpiresAt,
        Instant now) {
      this(sessionId, userId, List.of(peerId), connection, openedAt, userAgent, linkExpiresAt, now);
    }

    /**
     * This join's connection opened before {@code current}'s (the user's connection in the call, open
     * or parked), so it must not replace it: of two connections, the one opened later wins, whichever
     * join is handled first. Unknown open times (a gateway or a record from before they were kept)
     * compare as not older, so such a join replaces as the later one handled.
     */
    public boolean openedBefore(Participant current) {
      return openedAt != null && current.openedAt() != null && openedAt.isBefore(current.openedAt());
    }

    /** Everyone the call is for: the user and the others. */
    public Set<String> members() {
      Set<String> all = new HashSet<>(peerIds);
      all.add(userId);
      return all;
    }
  }

  /** What a join did. */
  sealed interface JoinResult {}

  /**
   * Joined (or already joined with this very connection: joins are idempotent so a retried open is
   * harmless). {@code others} are the other members in the call (connected or parked) by user id;
   * {@code replaced} is this user's previous connection if it was still open, which the caller must
   * close (a parked one is closed already, so joining again after parking replaces nothing). {@code
   * epoch} is the call's presence version after the join (see {@link #join}).
   */
  record Joined(Map<String, Participant> others, Optional<ConnectionRef> replaced, long epoch) implements JoinResult {
    public Joined {
      others = Map.copyOf(others);
    }
  }

  /** The call's members are fixed at its first join and this join's members are not them. */
  record Full() implements JoinResult {}

  /**
   * The user is in the call on a connection opened after this join's ({@link Join#openedBefore}):
   * nothing changed, and the caller closes this join's connection as replaced.
   */
  record Superseded() implements JoinResult {}

  /** What a leave did. */
  sealed interface LeaveResult {}

  /**
   * The connection was the user's current one and is gone now; {@code others}, the members still in
   * the call (connected or parked) by user id, should be told.
   */
  record Left(Map<String, Participant> others, long epoch) implements LeaveResult {
    public Left {
      others = Map.copyOf(others);
    }
  }

  /** The connection was not (or no longer) current: a newer one replaced it, or it never joined. */
  record NotCurrent() implements LeaveResult, ParkResult {}

  /** What a park did. */
  sealed interface ParkResult {}

  /** The connection was the user's current one; the user stays in the call, parked. Nobody is told. */
  record Parked() implements ParkResult {}

  /**
   * Joins the call, unless the user is in it on a connection opened later ({@link Superseded}). Every
   * join or leave that changes who is in a call raises its presence epoch, a number that only grows
   * while anyone is in the call. Presence messages carry it so a client can tell the newest one apart
   * when messages caused by different connections arrive out of order.
   */
  JoinResult join(Join join);

  /**
   * Removes {@code userId} from the call only if {@code connectionId} is still their current
   * connection, and adds {@code messagesSent} (what that connection sent, as far as known) to the
   * call's total. Counting at leave, not per message, keeps relays free of writes.
   */
  LeaveResult leave(String sessionId, String userId, String connectionId, Instant now, long messagesSent);

  /**
   * Parks {@code userId}: only if {@code connectionId} is still their current connection, they stay
   * in the call with {@code parkedAt = now} and no open connection, and {@code messagesSent} is added
   * to the call's total as at a leave. Not a leave: the epoch does not change and nobody is told. A
   * later {@link #join} with a new connection unparks them. Parking again (a redelivered close) is
   * harmless.
   */
  ParkResult park(String sessionId, String userId, String connectionId, Instant now, long messagesSent);

  /** The call's participants by user id (at most four), parked ones included. */
  Map<String, Participant> participants(String sessionId);

  /**
   * Those of {@code userIds} who are in the call, by user id (parked ones included); it may hold the
   * others too. What a relay reads: the sender and the recipients, so a message costs the same reads
   * in a call of four as in a call of two.
   */
  default Map<String, Participant> participants(String sessionId, Collection<String> userIds) {
    return participants(sessionId);
  }

  /**
   * Ids of calls in which at least one participant holds a connection, for the ghost sweeper (calls
   * whose people are all parked hold no socket that a dead gateway could strand); at most {@code
   * limit}.
   */
  List<String> openSessionIds(int limit);
}
