package dev.videocall.gcp;

/** Pub/Sub message attribute names shared by publishers and subscription filters. */
public final class Attributes {
  private Attributes() {}

  /** The gateway instance a delivery is for; each instance's subscription filters on it. */
  public static final String GATEWAY = "gateway";

  /** The target (egress) or source (ingress) connection id. */
  public static final String CONNECTION = "connection";
}
