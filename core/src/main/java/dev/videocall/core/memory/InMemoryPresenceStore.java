package dev.videocall.core.memory;

import dev.videocall.core.Participant;
import dev.videocall.core.PresenceStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Presence in one JVM: a map of sessions, each guarded by its own monitor so joins and leaves of one
 * call are atomic while different calls never wait on each other.
 */
public final class InMemoryPresenceStore implements PresenceStore {

  /** One call's state; all access holds its monitor. */
  private static final class Session {
    final Set<String> members;
    /**
     * Replaced, never changed: every relayed frame reads it, and a call's people change it only when
     * they join, park or leave, so a reader takes it as it is instead of a copy.
     */
    Map<String, Participant> participants = Map.of();
    long messagesSent;
    long epoch;

    Session(Set<String> members) {
      this.members = members;
    }

    void put(Participant p) {
      replaceParticipants(next -> next.put(p.userId(), p));
    }

    void remove(String userId) {
      replaceParticipants(next -> next.remove(userId));
    }

    /** Everyone in the call but {@code userId}. */
    Map<String, Participant> others(String userId) {
      Map<String, Participant> others = new HashMap<>(participants);
      others.remove(userId);
      return others;
    }

    private void replaceParticipants(Consumer<Map<String, Participant>> change) {
      Map<String, Participant> next = new HashMap<>(participants);
      change.accept(next);
      participants = Map.copyOf(next);
    }
  }

  private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
  /** One counter for all calls: epochs stay increasing even when an emptied call is forgotten and started again. */
  private final AtomicLong epochs = new AtomicLong();

  @Override
  public JoinResult join(Join join) {
    while (true) {
      Session session =
          sessions.computeIfAbsent(join.sessionId(), id -> new Session(Set.copyOf(join.members())));
      synchronized (session) {
        // A leave may have emptied and dropped this session between the lookup and the lock: start over.
        if (sessions.get(join.sessionId()) != session) {
          continue;
        }
        return joinLocked(session, join);
      }
    }
  }

  private JoinResult joinLocked(Session session, Join join) {
    if (!session.members.equals(join.members())) {
      return new Full();
    }
    Participant previous = session.participants.get(join.userId());
    if (previous != null && previous.connection().equals(join.connection())) {
      return new Joined(session.others(join.userId()), Optional.empty(), session.epoch);
    }
    if (previous != null && join.openedBefore(previous)) {
      return new Superseded();
    }
    session.put(new Participant(join.userId(), join.connection(), join.openedAt(), join.userAgent()));
    session.epoch = epochs.incrementAndGet();
    return new Joined(
        session.others(join.userId()),
        // A parked connection is closed already: there is nothing to replace.
        Optional.ofNullable(previous).filter(Participant::connected).map(Participant::connection),
        session.epoch);
  }

  @Override
  public LeaveResult leave(String sessionId, String userId, String connectionId, Instant now, long messagesSent) {
    return withCurrent(sessionId, userId, connectionId, new NotCurrent(), (session, current) -> {
      session.remove(userId);
      session.messagesSent += messagesSent;
      session.epoch = epochs.incrementAndGet();
      if (session.participants.isEmpty()) {
        // Nobody left: forget the call. Its links still work until they expire and simply start it again.
        sessions.remove(sessionId, session);
      }
      return new Left(session.participants, session.epoch);
    });
  }

  @Override
  public ParkResult park(String sessionId, String userId, String connectionId, Instant now, long messagesSent) {
    return withCurrent(sessionId, userId, connectionId, new NotCurrent(), (session, current) -> {
      if (current.connected()) {
        session.put(new Participant(userId, current.connection(), current.openedAt(), current.userAgent(), now));
        session.messagesSent += messagesSent;
      }
      return new Parked();
    });
  }

  /**
   * Runs {@code change} under the call's monitor if {@code connectionId} is {@code userId}'s current
   * connection in it; answers {@code notCurrent} otherwise.
   */
  private <R> R withCurrent(
      String sessionId, String userId, String connectionId, R notCurrent, BiFunction<Session, Participant, R> change) {
    Session session = sessions.get(sessionId);
    if (session == null) {
      return notCurrent;
    }
    synchronized (session) {
      Participant current = session.participants.get(userId);
      if (current == null || !current.connection().connectionId().equals(connectionId)) {
        return notCurrent;
      }
      return change.apply(session, current);
    }
  }

  @Override
  public Map<String, Participant> participants(String sessionId) {
    Session session = sessions.get(sessionId);
    if (session == null) {
      return Map.of();
    }
    synchronized (session) {
      return session.participants;
    }
  }

  @Override
  public List<String> openSessionIds(int limit) {
    return sessions.entrySet().stream()
        .filter(e -> {
          synchronized (e.getValue()) {
            return e.getValue().participants.values().stream().anyMatch(Participant::connected);
          }
        })
        .map(Map.Entry::getKey)
        .limit(limit)
        .toList();
  }

  /** Messages the call's connections sent, counted as they left; for tests and diagnostics. */
  public long messagesSent(String sessionId) {
    Session session = sessions.get(sessionId);
    if (session == null) {
      return 0;
    }
    synchronized (session) {
      return session.messagesSent;
    }
  }
}
