package dev.videocall.gateway.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videocall.contract.Envelope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One wake per quiet spell, sent as soon as the ingress exists; anything sent to the router counts as heard. */
class RouterWakeTest {
  final AtomicLong now = new AtomicLong(5_000_000_000L);
  final List<String> published = new ArrayList<>();
  final RouterWake wake = new RouterWake("gw-a", Duration.ofSeconds(60), now::get);

  void sleep(long seconds) {
    now.addAndGet(Duration.ofSeconds(seconds).toNanos());
  }

  CompletableFuture<?> ingressReady() {
    return wake.sendThrough(e -> published.add(e.event() + " " + e.connectionId()), e -> {
      published.add(e.event() + " " + e.connectionId());
      return CompletableFuture.completedFuture("message-id");
    });
  }

  @Test
  void aWakeAskedForBeforeTheIngressExistsGoesOnceItDoes() {
    wake.wake(); // the page, served while the clouds start
    wake.wake(); // its second load, or a socket held while starting
    assertEquals(List.of(), published);
    ingressReady();
    assertEquals(List.of("WAKE gw-a"), published, "one wake, as soon as there is a publisher");
  }

  @Test
  void theStartingGatewayIsToldWhenTheWakeThatWaitedIsPublished() {
    CompletableFuture<String> topicHasIt = new CompletableFuture<>();
    wake.wake(); // at launch, before the publisher exists
    CompletableFuture<?> sent = wake.sendThrough(e -> { }, e -> {
      published.add(e.event() + " " + e.connectionId());
      return topicHasIt;
    });
    assertEquals(List.of("WAKE gw-a"), published);
    assertFalse(sent.isDone(), "the other clients wait for the wake's publish");
    topicHasIt.complete("message-id");
    assertTrue(sent.isDone());
    wake.wake(); // the page, served a moment later: the router was woken at launch
    assertEquals(List.of("WAKE gw-a"), published);
  }

  @Test
  void withNoWakeWaitingTheStartGoesOnAtOnce() {
    assertTrue(ingressReady().isDone());
    assertEquals(List.of(), published);
  }

  @Test
  void oneWakePerQuietSpell() {
    ingressReady();
    wake.wake();
    sleep(30);
    wake.wake(); // the second person's page, half a minute later
    assertEquals(List.of("WAKE gw-a"), published);
    sleep(61);
    wake.wake(); // a new call after a quiet minute
    assertEquals(List.of("WAKE gw-a", "WAKE gw-a"), published);
  }

  @Test
  void whatTheRouterWasSentLatelyCountsAsAWake() {
    ingressReady();
    wake.accept(Envelope.open("c1", "gw-a", "alice", "bob", "t", "ua"));
    sleep(59);
    wake.wake();
    assertEquals(List.of("OPEN c1"), published, "the router heard from this instance 59 s ago: most likely warm");
    sleep(2);
    wake.wake();
    assertEquals(List.of("OPEN c1", "WAKE gw-a"), published);
  }

  @Test
  void aWakeThatCannotBePublishedIsOnlyAWakeMissed() {
    wake.sendThrough(e -> { }, e -> {
      throw new IllegalStateException("publisher shut down");
    });
    wake.wake(); // logged, not thrown at the page's request
    assertEquals(List.of(), published);
  }

  @Test
  void aRefusedWakeEndsTheStartsWaitAndIsNotThrown() {
    wake.wake();
    CompletableFuture<?> sent = wake.sendThrough(e -> { }, e -> CompletableFuture.failedFuture(new IllegalStateException("PERMISSION_DENIED")));
    assertTrue(sent.isDone(), "the start goes on; the retries are the start-up budget's business");
  }
}
