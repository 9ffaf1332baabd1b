package dev.videocall.functions;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import com.google.gson.JsonObject;
import dev.videocall.contract.DeliverySink;
import dev.videocall.core.GhostSweeper;
import java.io.IOException;
import java.io.Writer;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Called by Cloud Scheduler every minute (its finest schedule): removes participants of dead gateways
 * and tells their peers. One call sweeps {@code SWEEP_PASSES} times, {@code SWEEP_INTERVAL_SECONDS}
 * apart (see {@link FunctionsConfig}): six passes find a ghost within about ten seconds of its
 * gateway's heartbeat going stale instead of within a minute, but keep an instance busy most of every
 * minute, which costs real money on an idle site. Answers 200 with the count, or 500 so the scheduler
 * records the failure.
 */
public final class SweepFunction implements HttpFunction {
  private static final Logger log = LoggerFactory.getLogger(SweepFunction.class);

  private final GhostSweeper sweeper;
  private final DeliverySink egress;
  private final int passes;
  private final Duration interval;

  public SweepFunction() {
    this(CloudWiring.sweeper(), CloudWiring.egress(), CloudWiring.CONFIG.sweepPasses(), CloudWiring.CONFIG.sweepInterval());
  }

  public SweepFunction(GhostSweeper sweeper, DeliverySink egress, int passes, Duration interval) {
    this.sweeper = sweeper;
    this.egress = egress;
    this.passes = Math.max(1, passes);
    this.interval = interval;
  }

  @Override
  public void service(HttpRequest request, HttpResponse response) throws IOException {
    try {
      int removed = 0;
      for (int pass = 0; pass < passes; pass++) {
        if (pass > 0) {
          Thread.sleep(interval.toMillis());
        }
        GhostSweeper.Sweep sweep = sweeper.sweep();
        egress.deliver(sweep.deliveries());
        removed += sweep.removed();
      }
      JsonObject body = new JsonObject();
      body.addProperty("removed", removed);
      response.setStatusCode(200);
      response.setContentType("application/json");
      try (Writer w = response.getWriter()) {
        w.write(body.toString());
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
