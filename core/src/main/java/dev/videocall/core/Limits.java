package dev.videocall.core;

import dev.videocall.contract.invite.InviteLinks;
import dev.videocall.contract.protocol.MessageType;
import java.time.Duration;

/** Policy constants of the signaling core, each with the reason for its value. */
public final class Limits {
  private Limits() {}

  /** A call is at least two people. */
  public static final int MIN_PEOPLE_PER_CALL = 2;

  /**
   * At most four: every pair has its own peer connection, so each browser uploads its camera once per
   * other person (the reason in full is at {@link InviteLinks#MAX_PEOPLE}, which the links share).
   */
  public static final int MAX_PEOPLE_PER_CALL = InviteLinks.MAX_PEOPLE;

  /** Real offers/answers with audio, video and a data channel are 3–10 KB; 32 KiB leaves room for many codecs. */
  public static final int MAX_SDP_FRAME_BYTES = 32 * 1024;

  /** One ICE candidate line is ~100–300 bytes; 2 KiB allows long mDNS/IPv6 forms and extensions. */
  public static final int MAX_CANDIDATE_FRAME_BYTES = 2 * 1024;

  /** A bye carries nothing; anything larger is abuse. */
  public static final int MAX_BYE_FRAME_BYTES = 256;

  /** Links are shared by hand and used the same day; a day is long enough and short enough. */
  public static final Duration DEFAULT_INVITE_TTL = Duration.ofHours(24);

  /** Upper bound on a configured TTL: long-lived links are long-lived credentials. */
  public static final Duration MAX_INVITE_TTL = Duration.ofDays(30);

  /** TURN REST credentials live about an hour (the TURN REST API draft's suggestion). */
  public static final Duration TURN_CREDENTIAL_TTL = Duration.ofHours(1);

  /**
   * New calls per minute, per client address and for the owner as a whole: the owner makes a few
   * calls a day, and each call hands out links (and, once joined, TURN credentials).
   */
  public static final double DEFAULT_CALLS_PER_MINUTE = 10;

  /** Calls that may be made at once before the per-minute rate applies (a few test calls in a row). */
  public static final int DEFAULT_CALL_BURST = 20;

  /** Client addresses the call-creation limit remembers before it drops those with full buckets. */
  public static final int MAX_TRACKED_CALL_CREATORS = 10_000;

  /**
   * The shortest owner key accepted: 24 characters of a random base64 or alphanumeric key are at
   * least 140 bits, far beyond guessing at the creation rate limit.
   */
  public static final int MIN_OWNER_KEY_CHARS = 24;

  /** The cap on one client frame of this type, in UTF-8 bytes. */
  public static int maxFrameBytes(MessageType type) {
    return switch (type) {
      case OFFER, ANSWER -> MAX_SDP_FRAME_BYTES;
      case CANDIDATE -> MAX_CANDIDATE_FRAME_BYTES;
      case BYE -> MAX_BYE_FRAME_BYTES;
      default -> throw new IllegalArgumentException(type + " is not sent by clients");
    };
  }
}
