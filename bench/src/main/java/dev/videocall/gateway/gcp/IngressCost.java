package dev.videocall.gateway.gcp;

import com.google.pubsub.v1.PubsubMessage;
import dev.videocall.contract.Envelope;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The cloud gateway's own cost per frame on the way to Pub/Sub, in one thread: the envelopes
 * {@code GatewayConnection} makes for a burst (an answer and ten candidates, as the relay benchmark
 * sends them), packed as {@link PubSubIngress} packs what waited behind a publish, and turned into the
 * Pub/Sub message ({@link WireCodec} JSON, UTF-8 bytes, attributes). The client library's publish is
 * not included. Bytes from the thread's allocation counter, time from the wall clock, both per frame.
 * In this package for the ingress's package-private steps.
 */
public final class IngressCost {
  private IngressCost() {}

  public record Result(double bytesPerFrame, double nanosPerFrame) {}

  public static Result measure(int warmupBursts, int bursts) {
    String answer = "{\"type\":\"answer\",\"sdp\":\"" + "v=0\\r\\na=x-bench-padding".repeat(170) + "\"}";
    String candidate = "{\"type\":\"candidate\",\"ice\":{\"candidate\":\"" + "c".repeat(150) + "\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}}";
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long sink = 0;
    for (int i = 0; i < warmupBursts; i++) {
      sink += burst(i, answer, candidate);
    }
    long bytes = threads.getCurrentThreadAllocatedBytes();
    long started = System.nanoTime();
    for (int i = 0; i < bursts; i++) {
      sink += burst(i, answer, candidate);
    }
    long nanos = System.nanoTime() - started;
    bytes = threads.getCurrentThreadAllocatedBytes() - bytes;
    if (sink == 42) {
      System.out.println(); // keeps the work from being optimised away
    }
    int frames = bursts * 11;
    return new Result((double) bytes / frames, (double) nanos / frames);
  }

  private static long burst(int n, String answer, String candidate) {
    List<Envelope> waiting = new ArrayList<>(11);
    long seq = 1;
    waiting.add(Envelope.frame("conn-" + (n & 1023), "gw-1", seq++, "alice", "bob", "v1.k1.SESSION0123456789ab.1790000000.mac", answer));
    for (int c = 0; c < 10; c++) {
      waiting.add(Envelope.frame("conn-" + (n & 1023), "gw-1", seq++, "alice", "bob", "v1.k1.SESSION0123456789ab.1790000000.mac", candidate));
    }
    long size = 0;
    for (Envelope e : PubSubIngress.packed(waiting)) {
      PubsubMessage m = PubSubIngress.message(e);
      size += m.getData().size();
    }
    return size;
  }
}
