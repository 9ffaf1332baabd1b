package dev.videocall.local;

import dev.videocall.contract.config.EnvValues;
import dev.videocall.core.CoreConfig;
import dev.videocall.core.OwnerKey;
import dev.videocall.gateway.GatewayConfig;
import java.util.List;
import java.util.Map;

/**
 * Everything the embedded default reads from its environment, once, in {@link LocalMain}: the
 * gateway's and the core's settings (docs/operations.md lists them) plus
 *
 * <ul>
 *   <li>{@code PUBLIC_BASE_URL}: the URL links start with (default: see {@link LinkBase})
 *   <li>{@code CALL_USERS}: the two names of the starter call printed at start-up (default alice,bob)
 *   <li>{@code OWNER_KEY}: the key that lets the owner create calls from another device (requests
 *       from this machine's loopback need none); generated for the run and printed once when unset
 *   <li>{@code WARM_UP_MESSAGES}: 0 by default, and the port opens at once. Above 0, {@link
 *       RelayWarmUp} relays at least that many messages through a throwaway copy of the stack before
 *       the port opens, and on until the JIT has settled: the benchmarks ask for it, so that what they
 *       measure from the first second is compiled code
 * </ul>
 *
 * The gateway checks links at the door with the core's own signing keys (generated for the run when
 * none are configured).
 */
public record LocalConfig(
    GatewayConfig gateway,
    CoreConfig core,
    String publicBaseUrl,
    List<String> callUsers,
    String ownerKey,
    boolean ownerKeyGenerated,
    int warmUpMessages) {

  public static LocalConfig fromEnv(Map<String, String> env) {
    CoreConfig core = CoreConfig.fromEnv(env, true);
    List<String> users = EnvValues.list(env, "CALL_USERS", List.of("alice", "bob"));
    if (users.size() != 2) {
      throw new IllegalArgumentException("CALL_USERS must name two people, e.g. alice,bob; got: " + users);
    }
    String ownerKey = EnvValues.optional(env, "OWNER_KEY");
    boolean generated = ownerKey == null;
    if (generated) {
      ownerKey = OwnerKey.generate();
    }
    OwnerKey.of(ownerKey); // refuses a weak key at start-up, naming the variable
    return new LocalConfig(
        GatewayConfig.fromEnv(env).withInviteSigningKeys(core.signingKeySpec()),
        core,
        EnvValues.optional(env, "PUBLIC_BASE_URL"),
        users,
        ownerKey,
        generated,
        EnvValues.intValue(env, "WARM_UP_MESSAGES", 0));
  }

  /** Never prints the owner key: this record may end up in a log line or an exception. */
  @Override
  public String toString() {
    return "LocalConfig[gateway=" + gateway + ", publicBaseUrl=" + publicBaseUrl + ", callUsers=" + callUsers
        + ", ownerKeyGenerated=" + ownerKeyGenerated + ", warmUpMessages=" + warmUpMessages + "]";
  }
}
