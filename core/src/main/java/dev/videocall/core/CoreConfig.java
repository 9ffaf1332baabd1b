package dev.videocall.core;

import dev.videocall.contract.config.EnvValues;
import dev.videocall.contract.invite.SigningKeys;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Configuration of the signaling core, read in one place from an environment map (tests pass their
 * own). Variables:
 *
 * <ul>
 *   <li>{@code INVITE_SIGNING_KEYS}: {@code kid:base64key[,…]}, first one signs (required in the cloud;
 *       the embedded default generates a throw-away key when absent)
 *   <li>{@code INVITE_TTL_SECONDS}: link lifetime, default 86400 (a day)
 *   <li>{@code STUN_URLS}: comma-separated, default {@code stun:stun.l.google.com:19302}; empty for none
 *   <li>{@code TURN_URLS}, {@code TURN_SECRET}: TURN REST API credentials when both are set
 *   <li>{@code CREATE_CALLS_PER_MINUTE} (10) and {@code CREATE_CALL_BURST} (20): how fast calls may
 *       be created, per client address and for the owner as a whole
 * </ul>
 */
public record CoreConfig(
    String signingKeySpec,
    SigningKeys signingKeys,
    boolean signingKeysGenerated,
    Duration inviteTtl,
    List<String> stunUrls,
    List<String> turnUrls,
    String turnSecret,
    double createCallsPerMinute,
    int createCallBurst) {

  public static final String DEFAULT_STUN = "stun:stun.l.google.com:19302";

  /**
   * Reads the configuration. {@code allowGeneratedKey} lets the embedded default run without a
   * configured key (its links then stop working when the process restarts).
   */
  public static CoreConfig fromEnv(Map<String, String> env, boolean allowGeneratedKey) {
    String keySpec = EnvValues.optional(env, "INVITE_SIGNING_KEYS");
    boolean generated = keySpec == null;
    if (generated) {
      if (!allowGeneratedKey) {
        throw new IllegalArgumentException("INVITE_SIGNING_KEYS is required (kid:base64key, at least 32 bytes)");
      }
      keySpec = newKeySpec("local");
    }
    SigningKeys keys = SigningKeys.parse(keySpec);
    Duration ttl = EnvValues.seconds(env, "INVITE_TTL_SECONDS", Limits.DEFAULT_INVITE_TTL);
    return new CoreConfig(
        keySpec,
        keys,
        generated,
        ttl,
        EnvValues.list(env, "STUN_URLS", List.of(DEFAULT_STUN)),
        EnvValues.list(env, "TURN_URLS", List.of()),
        EnvValues.optional(env, "TURN_SECRET"),
        EnvValues.doubleValue(env, "CREATE_CALLS_PER_MINUTE", Limits.DEFAULT_CALLS_PER_MINUTE),
        EnvValues.intValue(env, "CREATE_CALL_BURST", Limits.DEFAULT_CALL_BURST));
  }

  /** A fresh limiter for call creation with these settings (one per process). */
  public CreationLimiter callCreationLimiter() {
    return new CreationLimiter(createCallsPerMinute, createCallBurst, Limits.MAX_TRACKED_CALL_CREATORS);
  }

  public IceServers iceServers() {
    return new IceServers(stunUrls, turnUrls, turnSecret);
  }

  /** A fresh random key in the {@code INVITE_SIGNING_KEYS} form, for operators' convenience. */
  public static String newKeySpec(String kid) {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return kid + ":" + Base64.getEncoder().encodeToString(key);
  }
}
