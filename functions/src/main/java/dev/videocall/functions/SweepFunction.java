package dev.videocall.functions;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.videocall.core.GhostSweeper;
import dev.videocall.gcp.PubSubEgress;
import java.io.IOException;
import java.io.Writer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Called by Cloud Scheduler every minute: removes participants of dead gateways and tells their peers.
 * Answers 200 with the count, or 500 so the scheduler records the failure.
 */
public final class SweepFunction implements HttpFunction {
  private static final Logger log = LoggerFactory.getLogger(SweepFunction.class);

  private final GhostSweeper sweeper;
  private final PubSubEgress egress;

  public SweepFunction() {
    this(CloudWiring.sweeper(), CloudWiring.egress());
  }

  public SweepFunction(GhostSweeper sweeper, PubSubEgress egress) {
    this.sweeper = sweeper;
    this.egress = egress;
  }

  @Override
  public void service(HttpRequest request, HttpResponse response) throws IOException {
    try {
      int removed = sweeper.sweep();
      egress.flush();
      response.setStatusCode(200);
      response.setContentType("application/json");
      try (Writer w = response.getWriter()) {
        w.write("{\"removed\":" + removed + "}");
      }
    } catch (RuntimeException e) {
      log.atError().setCause(e).log("sweep failed");
      response.setStatusCode(500);
    }
  }
}
