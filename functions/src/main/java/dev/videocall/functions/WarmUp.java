package dev.videocall.functions;

/**
 * What the router makes ready when a wake arrives, so that the first join after a cold start does
 * not also pay for it: a real round trip on a client the join will use. It must not write anything
 * or deliver anything to a gateway. Throws if the round trip fails; the wake is answered anyway.
 */
@FunctionalInterface
public interface WarmUp {
  /** Nothing to make ready (tests of the function's other answers). */
  WarmUp NONE = () -> {};

  void run();
}
