package dev.videocall.functions;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.videocall.contract.EnvValues;
import dev.videocall.core.GhostSweeper;
import dev.videocall.gcp.PubSubEgress;
import java.io.IOException;
import java.io.Writer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Called by Cloud Scheduler every minute (its finest schedule): removes participants of dead gateways
 * and tells their peers. One call sweeps {@code SWEEP_PASSES} times (default 1), {@code
 * SWEEP_INTERVAL_SECONDS} apart (default 10): six passes find a ghost within about ten seconds of its
 * gateway's heartbeat going stale instead of within a minute, but keep an instance busy most of every
 * minute, which costs real money on an idle site. Answers 200 with the count, or 500 so
 * the scheduler records the failure.
 */
public final class SweepFunction implements HttpFunction {
  private static final Logger log = LoggerFactory.getLogger(SweepFunction.class);

  private final GhostSweeper sweeper;
  private final PubSubEgress egress;
  private final int passes;
  private final long intervalMillis;

  public SweepFunction() {
    this(CloudWiring.sweeper(), CloudWiring.egress(),
        EnvValues.intValue(System.getenv(), "SWEEP_PASSES", 1),
        1000L * EnvValues.intValue(System.getenv(), "SWEEP_INTERVAL_SECONDS", 10));
  }

  public SweepFunction(GhostSweeper sweeper, PubSubEgress egress, int passes, long intervalMillis) {
    this.sweeper = sweeper;
    this.egress = egress;
    this.passes = Math.max(1, passes);
    this.intervalMillis = intervalMillis;
  }

  @Override
  public void service(HttpRequest request, HttpResponse response) throws IOException {
    try {
      int removed = 0;
      for (int pass = 0; pass < passes; pass++) {
        if (pass > 0) {
          Thread.sleep(intervalMillis);
        }
        removed += sweeper.sweep();
        egress.flush();
      }
      response.setStatusCode(200);
      response.setContentType("application/json");
      try (Writer w = response.getWriter()) {
        w.write("{\"removed\":" + removed + "}");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      response.setStatusCode(500);
    } catch (RuntimeException e) {
      log.atError().setCause(e).log("sweep failed");
      response.setStatusCode(500);
    }
  }
}
