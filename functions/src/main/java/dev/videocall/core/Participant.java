package dev.videocall.core;

import dev.videocall.contract.ConnectionRef;
import java.time.Instant;

/** A person's current connection in a call, as the presence store keeps it. */
public record Participant(
    String userId, ConnectionRef connection, Instant joinedAt, Instant lastSeenAt, String userAgent) {}
