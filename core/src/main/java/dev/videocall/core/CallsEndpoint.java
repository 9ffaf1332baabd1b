package dev.videocall.core;

import java.util.Map;
import java.util.Optional;

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
 * Steps 1–4 need no body ({@link #admit}), so an edge asks them first and reads the body only for a
 * caller they let through ({@link #create}): a refused request costs no read, however slowly its
 * body would come. The answer never carries TURN credentials: those are only in {@code welcome},
 * after a valid join.
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
   * Who asks, as the edge saw them before reading any body. {@code trustedOwner} is the edge's own
   * judgement (the embedded server's loopback).
   */
  public record Caller(String method, String clientAddress, boolean trustedOwner, String authorization) {}

  /** Steps 1–4: the answer that refuses this caller, or empty when its body may be read. */
  public Optional<CallsApi.Response> admit(Caller c, long nowNanos) {
    if (!"POST".equals(c.method())) {
      return Optional.of(withHeaders(CallsApi.methodNotAllowed(), Map.of("Allow", "POST")));
    }
    long wait = limiter.take("address " + c.clientAddress(), nowNanos);
    if (wait > 0) {
      return Optional.of(tooMany(wait));
    }
    if (!c.trustedOwner() && !ownerKey.accepts(c.authorization())) {
      String message = c.authorization() == null
          ? "only the site's owner creates calls: send Authorization: Bearer <owner key>"
          : "the owner key was not accepted";
      return Optional.of(withHeaders(CallsApi.error(401, "owner-key-required", message), Map.of("WWW-Authenticate", "Bearer realm=\"videocall\"")));
    }
    wait = limiter.take(OWNER_BUCKET, nowNanos);
    return wait > 0 ? Optional.of(tooMany(wait)) : Optional.empty();
  }

  /** Step 5, for an admitted caller: its body (null when it was larger than {@link CallsApi#MAX_BODY_BYTES}). */
  public CallsApi.Response create(String body, String baseUrl) {
    return body == null ? CallsApi.tooLarge() : api.create(body, baseUrl);
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
