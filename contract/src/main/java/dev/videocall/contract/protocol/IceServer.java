package dev.videocall.contract.protocol;

import java.util.List;

/**
 * One entry of {@code RTCConfiguration.iceServers}; serialised as is into {@code welcome}.
 * {@code username} and {@code credential} are null for STUN.
 */
public record IceServer(List<String> urls, String username, String credential) {
  public IceServer {
    urls = List.copyOf(urls);
  }

  public static IceServer stun(List<String> urls) {
    return new IceServer(urls, null, null);
  }
}
