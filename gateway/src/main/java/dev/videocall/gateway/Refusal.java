package dev.videocall.gateway;

import dev.videocall.contract.protocol.CloseCode;

/**
 * What a client sent cannot be taken, and the socket must close with {@link #code}: a frame that
 * breaks RFC 6455 (1002), a message over the size limit (1009), text that is not UTF-8 (1007). No
 * stack trace: it is the client's fault, not ours.
 */
final class Refusal extends Exception {
  private final CloseCode code;

  Refusal(CloseCode code, String reason) {
    super(reason, null, false, false);
    this.code = code;
  }

  CloseCode code() {
    return code;
  }
}
