package dev.videocall.core;

import dev.videocall.contract.ConnectionRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The presence port: who is in which call on which connection. Implementations make {@link #join}
 * and {@link #leave} atomic per session (a lock in memory, a transaction in Firestore). Methods throw
 * when the backing store fails; the caller lets the platform retry.
 */
public interface PresenceStore {

  /** A request to become {@code userId}'s current connection in the call {@code sessionId}. */
  record Join(
      String sessionId,
      String userId,
      String peerId,
      ConnectionRef connection,
      String userAgent,
      Instant linkExpiresAt,
      Instant now) {}

  /** What a join did. */
  sealed interface JoinResult {}

  /**
   * Joined (or already joined with this very connection: joins are idempotent so a retried open is
   * harmless). {@code peer} is the peer's current connection if any; {@code replaced} is this
   * user's previous connection, which the caller must close. {@code epoch} is the call's presence
   * version after the join (see {@link #join}).
   */
  record Joined(Optional<Participant> peer, Optional<ConnectionRef> replaced, long epoch) implements JoinResult {}

  /** The call's two people are fixed at its first join and this pair is not them. */
  record Full() implements JoinResult {}

  /** What a leave did. */
  sealed interface LeaveResult {}

  /** The connection was the user's current one and is gone now; {@code peer} should be told. */
  record Left(Optional<Participant> peer, long epoch) implements LeaveResult {}

  /** The connection was not (or no longer) current: a newer one replaced it, or it never joined. */
  record NotCurrent() implements LeaveResult {}

  /**
   * Joins the call. Every join or leave that changes who is in a call raises its presence epoch, a
   * number that only grows while anyone is in the call. Presence messages carry it so a client can
   * tell the newest one apart when messages caused by different connections arrive out of order.
   */
  JoinResult join(Join join);

  /**
   * Removes {@code userId} from the call only if {@code connectionId} is still their current
   * connection, and adds {@code messagesSent} (what that connection sent, as far as known) to the
   * call's total. Counting at leave, not per message, keeps relays free of writes.
   */
  LeaveResult leave(String sessionId, String userId, String connectionId, Instant now, long messagesSent);

  /** The call's current participants by user id (at most two). */
  Map<String, Participant> participants(String sessionId);

  /** Ids of calls that have at least one participant, for the ghost sweeper; at most {@code limit}. */
  List<String> openSessionIds(int limit);
}
