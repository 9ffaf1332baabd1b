package dev.videocall.bench;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Opens pairs of sockets the way two people join one call, a bounded number at a time. */
final class Pairs {
  /** Two joined sockets; {@code a} joined first. */
  record Pair(int index, String aName, String bName, BenchSocket a, BenchSocket b) {}

  private static final int IN_FLIGHT = 100;
  private static final AtomicInteger NEXT_INDEX = new AtomicInteger();

  private final Target target;
  private final List<HttpClient> clients;
  private final boolean sendOrigin;

  /** {@code sendOrigin}: send the page's Origin (the server's own address), as a browser does. */
  Pairs(Target target, List<HttpClient> clients, boolean sendOrigin) {
    this.target = target;
    this.clients = clients;
    this.sendOrigin = sendOrigin;
  }

  private String origin(java.net.URI uri) {
    return sendOrigin ? "http://" + uri.getHost() + ":" + uri.getPort() : null;
  }

  List<Pair> open(int count) throws InterruptedException {
    Semaphore slots = new Semaphore(IN_FLIGHT);
    List<CompletableFuture<Pair>> pending = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      slots.acquire();
      CompletableFuture<Pair> pair = openOne(NEXT_INDEX.getAndIncrement());
      pair.whenComplete((p, e) -> slots.release());
      pending.add(pair);
    }
    List<Pair> pairs = new ArrayList<>(count);
    for (CompletableFuture<Pair> p : pending) {
      try {
        pairs.add(p.get(60, TimeUnit.SECONDS));
      } catch (Exception e) {
        throw new IllegalStateException("could not open a pair on " + target.name() + ": " + e, e);
      }
    }
    return pairs;
  }

  private CompletableFuture<Pair> openOne(int index) {
    String a = "a" + index;
    String b = "b" + index;
    String session = target.newSession();
    HttpClient http = clients.get(index % clients.size());
    CompletableFuture<Void> aAccepted = new CompletableFuture<>();
    CompletableFuture<Void> aHeardPeer = new CompletableFuture<>();
    CompletableFuture<Void> bAccepted = new CompletableFuture<>();
    if (!target.needsPeerJoined()) {
      aHeardPeer.complete(null);
    }
    java.net.URI aUri = target.socketUri(index, a, b, session);
    java.net.URI bUri = target.socketUri(index, b, a, session);
    return BenchSocket.open(http, aUri, origin(aUri), f -> {
          if (target.isAccepted(f)) {
            aAccepted.complete(null);
          } else if (target.isPeerJoined(f)) {
            aHeardPeer.complete(null);
          }
        })
        .thenCompose(as -> aAccepted.thenApply(x -> as))
        .thenCompose(as -> BenchSocket.open(http, bUri, origin(bUri), f -> {
              if (target.isAccepted(f)) {
                bAccepted.complete(null);
              }
            })
            .thenCompose(bs -> bAccepted.thenCombine(aHeardPeer, (x, y) -> new Pair(index, a, b, as, bs))));
  }

  static void closeAll(List<Pair> pairs) {
    for (Pair p : pairs) {
      p.a().close();
      p.b().close();
    }
  }
}
