package dev.videocall.core;

import dev.videocall.contract.ConnectionRef;

/** A person's current connection in a call, as the presence store keeps it. */
public record Participant(String userId, ConnectionRef connection, String userAgent) {}
