package dev.videocall.core;

import java.util.Map;

/**
 * Who may create calls, and how often: the door in front of {@link CallsApi}, the same for the
 * embedded server's {@code POST /api/calls} and the CreateCall function. In order:
 *
 * <ol>
 *   <li>anything but POST: 405;
 *   <li>every request spends from its client address's bucket, before the key is looked at, so a
 *       wrong key costs what a right one does and repeated guesses from one address get 429;
 *   <li>the owner only: a request the edge trusts as the owner's (the embedded server's loopback) or
 *       one with {@code Authorization: Bearer <owner key>}; anyone else gets 401;
 *   <li>the owner's own bucket: however many addresses a leaked key is used from, calls come no
 *       faster than the limit;
 *   <li>a body over {@link CallsApi#MAX_BODY_BYTES}: 413; then {@link CallsApi#create}.
 * </ol>
 *
 * The answer never carries TURN credentials: those are only in {@code welcome}, after a valid join.
 */
public final class CallsEndpoint {
  private static final String OWNER_BUCKET = "owner";

  private final CallsApi api;
  private final OwnerKey ownerKey;
  private final CreationLimiter limiter;

  public CallsEndpoint(CallsApi api, OwnerKey ownerKey, CreationLimiter limiter) {
    this.api = api;
    this.ownerKey = ownerKey;
    this.limiter = limiter;
  }

  /**
   * One request as the edge read it. {@code body} is null when it was larger than
   * {@link CallsApi#MAX_BODY_BYTES}; {@code trustedOwner} is the edge's own judgement (loopback).
   */
  public record Request(String method, String clientAddress, boolean trustedOwner, String authorization, String body) {}

  public CallsApi.Response handle(Request r, String baseUrl, long nowNanos) {
    if (!"POST".equals(r.method())) {
      return withHeaders(CallsApi.methodNotAllowed(), Map.of("Allow", "POST"));
    }
    long wait = limiter.take("address " + r.clientAddress(), nowNanos);
    if (wait > 0) {
      return tooMany(wait);
    }
    if (!r.trustedOwner() && !ownerKey.accepts(r.authorization())) {
      String message = r.authorization() == null
          ? "only the site's owner creates calls: send Authorization: Bearer <owner key>"
          : "the owner key was not accepted";
      return withHeaders(CallsApi.error(401, "owner-key-required", message), Map.of("WWW-Authenticate", "Bearer realm=\"videocall\""));
    }
    wait = limiter.take(OWNER_BUCKET, nowNanos);
    if (wait > 0) {
      return tooMany(wait);
    }
    if (r.body() == null) {
      return CallsApi.tooLarge();
    }
    return api.create(r.body(), baseUrl);
  }

  private static CallsApi.Response tooMany(long retryAfterSeconds) {
    return withHeaders(
        CallsApi.error(429, "rate-limited", "too many new calls; try again in " + retryAfterSeconds + " s"),
        Map.of("Retry-After", Long.toString(retryAfterSeconds)));
  }

  private static CallsApi.Response withHeaders(CallsApi.Response r, Map<String, String> headers) {
    return new CallsApi.Response(r.status(), r.json(), headers);
  }
}
