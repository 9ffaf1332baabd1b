package dev.videocall.emulatorcheck;

import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutures;
import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.CollectionReference;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldValue;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreException;
import com.google.cloud.firestore.FirestoreOptions;
import com.google.cloud.firestore.Precondition;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.pubsub.v1.MessageReceiver;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.pubsub.v1.ExpirationPolicy;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.SubscriptionName;
import com.google.pubsub.v1.TopicName;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Checks what the Java clients can do against Google's emulators named by PUBSUB_EMULATOR_HOST and
 * FIRESTORE_EMULATOR_HOST (scripts/emulators start), and what the Pub/Sub emulator's push does, for
 * docs/emulators.md "What we verified". Prints PASS, FAIL (unexpected) or GAP (a known emulator gap,
 * still there) per capability; exits 1 only on FAIL. A GAP check that passes says so: the emulator
 * changed, update the docs. The last check stops the emulator's pushing for good: restart it after.
 */
public final class EmulatorCheck {
  static final String PROJECT = "test-project";
  static final String RUN = Long.toString(System.currentTimeMillis(), 36);
  static int passed;
  static int failed;
  static int gaps;

  interface Body {
    String run() throws Exception;
  }

  static void check(String name, Body body) {
    long t0 = System.nanoTime();
    try {
      String detail = body.run();
      passed++;
      System.out.printf("PASS %s (%d ms)%s%n", name, ms(t0), detail == null ? "" : ": " + detail);
    } catch (Throwable t) {
      failed++;
      System.out.printf("FAIL %s (%d ms): %s%n", name, ms(t0), t);
    }
  }

  /** A capability the emulator is known to lack (docs/emulators.md): expected to fail. */
  static void gap(String name, Body body) {
    long t0 = System.nanoTime();
    try {
      String detail = body.run();
      passed++;
      System.out.printf("PASS %s (%d ms)%s -- known gap no longer seen: update docs/emulators.md%n",
          name, ms(t0), detail == null ? "" : ": " + detail);
    } catch (Throwable t) {
      gaps++;
      System.out.printf("GAP  %s (%d ms): %s%n", name, ms(t0), t);
    }
  }

  static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  static void expect(boolean ok, String what) {
    if (!ok) throw new AssertionError(what);
  }

  /** The gRPC status code name somewhere in t's cause chain, or null. */
  static String code(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ApiException a) return a.getStatusCode().getCode().name();
      if (c instanceof StatusRuntimeException s) return s.getStatus().getCode().name();
      if (c instanceof FirestoreException f && f.getStatus() != null) return f.getStatus().getCode().name();
    }
    return null;
  }

  public static void main(String[] args) throws Exception {
    String pubsubHost = System.getenv("PUBSUB_EMULATOR_HOST");
    String firestoreHost = System.getenv("FIRESTORE_EMULATOR_HOST");
    if (pubsubHost == null || firestoreHost == null) {
      System.err.println("set PUBSUB_EMULATOR_HOST and FIRESTORE_EMULATOR_HOST (scripts/emulators start && source .emulators/env)");
      System.exit(2);
    }
    pubsub(pubsubHost);
    firestore();
    Push.checks(pubsubHost);
    System.out.printf("%d passed, %d failed, %d known gaps%n", passed, failed, gaps);
    System.exit(failed == 0 ? 0 : 1);
  }

  // ---------------------------------------------------------------- Pub/Sub

  static void pubsub(String host) throws Exception {
    // The Java Pub/Sub client does not read PUBSUB_EMULATOR_HOST: give every client a plaintext
    // channel to it and no credentials.
    ManagedChannel channel = ManagedChannelBuilder.forTarget(host).usePlaintext().build();
    TransportChannelProvider channels = FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
    CredentialsProvider noCredentials = NoCredentialsProvider.create();
    TopicName topic = TopicName.of(PROJECT, "signals-" + RUN);
    SubscriptionName gatewayA = SubscriptionName.of(PROJECT, "gateway-a-" + RUN);
    SubscriptionName all = SubscriptionName.of(PROJECT, "all-" + RUN);
    SubscriptionName unordered = SubscriptionName.of(PROJECT, "unordered-" + RUN);
    SubscriptionName expiring = SubscriptionName.of(PROJECT, "expiring-" + RUN);
    int total = 30;

    try (TopicAdminClient topics = TopicAdminClient.create(TopicAdminSettings.newBuilder()
            .setTransportChannelProvider(channels).setCredentialsProvider(noCredentials).build());
        SubscriptionAdminClient subs = SubscriptionAdminClient.create(SubscriptionAdminSettings.newBuilder()
            .setTransportChannelProvider(channels).setCredentialsProvider(noCredentials).build())) {

      check("pubsub: create topic", () -> topics.createTopic(topic).getName());

      check("pubsub: create subscription with filter attributes.gateway = \"a\" and enable_message_ordering", () -> {
        subs.createSubscription(Subscription.newBuilder().setName(gatewayA.toString()).setTopic(topic.toString())
            .setFilter("attributes.gateway = \"a\"").setEnableMessageOrdering(true).setAckDeadlineSeconds(10).build());
        Subscription got = subs.getSubscription(gatewayA);
        expect(got.getFilter().equals("attributes.gateway = \"a\""), "filter read back: " + got.getFilter());
        expect(got.getEnableMessageOrdering(), "enable_message_ordering read back false");
        return "read back filter and ordering";
      });
      check("pubsub: create subscription without filter", () ->
          subs.createSubscription(Subscription.newBuilder().setName(all.toString()).setTopic(topic.toString())
              .setEnableMessageOrdering(true).setAckDeadlineSeconds(10).build()).getName());

      check("pubsub: create subscription without filter or ordering", () ->
          subs.createSubscription(Subscription.newBuilder().setName(unordered.toString()).setTopic(topic.toString())
              .setAckDeadlineSeconds(10).build()).getName());

      check("pubsub: publish " + total + " messages with 3 ordering keys (setEnableMessageOrdering(true))", () -> {
        Publisher publisher = Publisher.newBuilder(topic).setChannelProvider(channels)
            .setCredentialsProvider(noCredentials).setEnableMessageOrdering(true).build();
        try {
          List<ApiFuture<String>> ids = new ArrayList<>();
          for (int i = 0; i < total; i++) {
            ids.add(publisher.publish(PubsubMessage.newBuilder().setData(ByteString.copyFromUtf8(Integer.toString(i)))
                .putAttributes("gateway", i % 2 == 0 ? "a" : "b").setOrderingKey("call-" + i % 3).build()));
          }
          return ApiFutures.allAsList(ids).get(10, TimeUnit.SECONDS).size() + " ids";
        } finally {
          publisher.shutdown();
          publisher.awaitTermination(10, TimeUnit.SECONDS);
        }
      });

      gap("pubsub: streaming pull on the filtered subscription gets only gateway=a, in order per key", () ->
          receive(gatewayA, channels, noCredentials, total / 2, true, m -> "a".equals(m.getAttributesOrDefault("gateway", ""))));
      check("pubsub: streaming pull on the unfiltered subscription gets all, in order per key", () ->
          receive(all, channels, noCredentials, total, true, m -> true));
      check("pubsub: streaming pull on the unordered subscription gets all (timing comparison)", () ->
          receive(unordered, channels, noCredentials, total, false, m -> true));

      check("pubsub: subscription with expiration policy ttl 1 day", () -> {
        subs.createSubscription(Subscription.newBuilder().setName(expiring.toString()).setTopic(topic.toString())
            .setExpirationPolicy(ExpirationPolicy.newBuilder().setTtl(Duration.newBuilder().setSeconds(86_400))).build());
        long ttl = subs.getSubscription(expiring).getExpirationPolicy().getTtl().getSeconds();
        expect(ttl == 86_400, "ttl read back " + ttl);
        return "ttl read back 86400 s";
      });
      gap("pubsub: expiration policy ttl 1 h is rejected (real Pub/Sub: minimum 1 day)", () -> {
        SubscriptionName shortTtl = SubscriptionName.of(PROJECT, "short-ttl-" + RUN);
        try {
          subs.createSubscription(Subscription.newBuilder().setName(shortTtl.toString()).setTopic(topic.toString())
              .setExpirationPolicy(ExpirationPolicy.newBuilder().setTtl(Duration.newBuilder().setSeconds(3_600))).build());
        } catch (ApiException e) {
          return e.getStatusCode().getCode().name();
        }
        subs.deleteSubscription(shortTtl);
        throw new AssertionError("accepted a 1 h ttl");
      });

      gap("pubsub: an idle streaming pull keeps receiving (the Java client's keepalive ping is answered)", () ->
          Push.afterIdle(topic, subs, channels, noCredentials));

      check("pubsub: delete subscription, then get is NOT_FOUND and the topic no longer lists it", () -> {
        subs.deleteSubscription(expiring);
        String code = null;
        try {
          subs.getSubscription(expiring);
        } catch (ApiException e) {
          code = e.getStatusCode().getCode().name();
        }
        expect("NOT_FOUND".equals(code), "get after delete: " + code);
        List<String> listed = new ArrayList<>();
        topics.listTopicSubscriptions(topic).iterateAll().forEach(listed::add);
        expect(!listed.contains(expiring.toString()), "still listed: " + listed);
        return "NOT_FOUND; topic lists " + listed.size() + " subscriptions";
      });
    } finally {
      channel.shutdown();
      channel.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  interface Want {
    boolean test(PubsubMessage m);
  }

  static String receive(SubscriptionName sub, TransportChannelProvider channels, CredentialsProvider creds,
      int expected, boolean ordered, Want want) throws Exception {
    ConcurrentLinkedQueue<PubsubMessage> got = new ConcurrentLinkedQueue<>();
    MessageReceiver receiver = (m, reply) -> {
      got.add(m);
      reply.ack();
    };
    Subscriber subscriber = Subscriber.newBuilder(sub.toString(), receiver).setChannelProvider(channels).setCredentialsProvider(creds).build();
    long t0 = System.nanoTime();
    subscriber.startAsync().awaitRunning(10, TimeUnit.SECONDS);
    while (got.size() < expected && ms(t0) < 15_000) Thread.sleep(10);
    long firstAll = ms(t0);
    Thread.sleep(1_000); // anything unwanted or duplicated would show up here
    subscriber.stopAsync().awaitTerminated(10, TimeUnit.SECONDS);

    Map<String, List<Integer>> byKey = new HashMap<>();
    for (PubsubMessage m : got) {
      expect(want.test(m), "unwanted message " + m.getData().toStringUtf8() + " " + m.getAttributesMap());
      byKey.computeIfAbsent(m.getOrderingKey(), k -> new ArrayList<>()).add(Integer.parseInt(m.getData().toStringUtf8()));
    }
    expect(got.size() == expected, "received " + got.size() + " of " + expected + ": " + byKey);
    for (List<Integer> seq : ordered ? byKey.values() : List.<List<Integer>>of()) {
      expect(new ArrayList<>(new TreeSet<>(seq)).equals(seq), "out of order or duplicated within a key: " + byKey);
    }
    return expected + " received in " + firstAll + " ms, keys " + new TreeSet<>(byKey.keySet());
  }

  // ---------------------------------------------------------------- Firestore

  static void firestore() throws Exception {
    // FIRESTORE_EMULATOR_HOST makes the client use a plaintext channel and emulator credentials by
    // itself; only the project id has to be given (nothing is looked up then).
    Firestore db = FirestoreOptions.newBuilder().setProjectId(PROJECT).build().getService();
    CollectionReference calls = db.collection("calls-" + RUN);
    try {
      check("firestore: set + get", () -> {
        DocumentReference d = calls.document("plain");
        d.set(Map.of("gateway", "a", "n", 1L)).get();
        DocumentSnapshot s = d.get().get();
        expect(s.exists() && "a".equals(s.getString("gateway")), "read back " + s.getData());
        return null;
      });

      check("firestore: transaction read-modify-write (5 sequential increments)", () -> {
        DocumentReference counter = calls.document("counter");
        counter.set(Map.of("n", 0L)).get();
        for (int i = 0; i < 5; i++) {
          db.runTransaction(tx -> {
            long n = tx.get(counter).get().getLong("n");
            tx.update(counter, "n", n + 1);
            return null;
          }).get(10, TimeUnit.SECONDS);
        }
        long n = counter.get().get().getLong("n");
        expect(n == 5, "n = " + n);
        return "n = 5";
      });

      check("firestore: transaction reads a missing doc, then creates it", () -> {
        DocumentReference d = calls.document("claimed");
        String outcome = db.runTransaction(tx -> {
          if (tx.get(d).get().exists()) return "taken";
          tx.create(d, Map.of("by", "p1"));
          return "created";
        }).get(10, TimeUnit.SECONDS);
        expect("created".equals(outcome) && "p1".equals(d.get().get().getString("by")), outcome);
        return null;
      });

      check("firestore: create, then create again fails ALREADY_EXISTS", () -> {
        DocumentReference d = calls.document("once");
        d.create(Map.of("v", 1L)).get();
        try {
          d.create(Map.of("v", 2L)).get();
        } catch (ExecutionException e) {
          String code = code(e);
          expect("ALREADY_EXISTS".equals(code), "second create: " + code + " " + e.getCause());
          expect(d.get().get().getLong("v") == 1L, "value overwritten");
          return code;
        }
        throw new AssertionError("second create succeeded");
      });

      check("firestore: subcollection doc (calls/X/participants/p1)", () -> {
        DocumentReference call = calls.document("with-participants");
        DocumentReference p = call.collection("participants").document("p1");
        p.set(Map.of("gateway", "a")).get();
        expect("a".equals(p.get().get().getString("gateway")), "read back");
        int listed = call.collection("participants").get().get().size();
        expect(listed == 1, "subcollection lists " + listed);
        boolean parentExists = call.get().get().exists();
        expect(!parentExists, "parent doc exists though never written");
        return "get and list ok; parent doc absent, as in Firestore";
      });

      check("firestore: query with equality filter", () -> {
        CollectionReference gws = calls.document("q").collection("presence");
        gws.document("u1").set(Map.of("gateway", "a")).get();
        gws.document("u2").set(Map.of("gateway", "b")).get();
        gws.document("u3").set(Map.of("gateway", "a")).get();
        TreeSet<String> ids = new TreeSet<>();
        for (QueryDocumentSnapshot s : gws.whereEqualTo("gateway", "a").get().get()) ids.add(s.getId());
        expect(ids.equals(new TreeSet<>(List.of("u1", "u3"))), "got " + ids);
        return "got " + ids;
      });

      check("firestore: serverTimestamp on set and update", () -> {
        DocumentReference d = calls.document("stamped");
        Timestamp before = Timestamp.now();
        d.set(Map.of("at", FieldValue.serverTimestamp())).get();
        Timestamp at = d.get().get().getTimestamp("at");
        expect(at != null, "at is null");
        long skewMs = Math.abs(at.toDate().getTime() - before.toDate().getTime());
        expect(skewMs < 5_000, "at " + at + " vs client " + before);
        Thread.sleep(20);
        d.update("at", FieldValue.serverTimestamp()).get();
        Timestamp later = d.get().get().getTimestamp("at");
        expect(later != null && later.compareTo(at) > 0, "after update " + later + " not after " + at);
        return "Timestamp " + at;
      });

      check("firestore: FieldValue.increment on a nested field path", () -> {
        DocumentReference d = calls.document("nested-inc");
        d.set(Map.of("messages", Map.of("alice", 1L))).get();
        d.update("messages.alice", FieldValue.increment(1)).get();
        long n = d.get().get().getLong("messages.alice");
        expect(n == 2, "messages.alice = " + n);
        return null;
      });

      check("firestore: FieldValue.delete on a nested map field", () -> {
        DocumentReference d = calls.document("nested-delete");
        d.set(Map.of("m", Map.of("a", 1L, "b", 2L))).get();
        d.update("m.a", FieldValue.delete()).get();
        Object m = d.get().get().get("m");
        expect(m instanceof Map<?, ?> map && !map.containsKey("a"), "m = " + m);
        return null;
      });

      check("firestore: set without merge replaces the whole document", () -> {
        DocumentReference d = calls.document("set-replaces");
        d.set(Map.of("a", 1L, "b", 2L)).get();
        d.set(Map.of("a", 3L)).get();
        Map<String, Object> data = d.get().get().getData();
        expect(data != null && !data.containsKey("b"), "after set {a: 3}: " + data);
        return null;
      });

      check("firestore: collection-group query", () -> {
        String group = "members-" + RUN;
        calls.document("g1").collection(group).document("x").set(Map.of("gateway", "a")).get();
        calls.document("g2").collection(group).document("y").set(Map.of("gateway", "a")).get();
        int found = db.collectionGroup(group).get().get().size();
        expect(found == 2, "found " + found + " of 2");
        return null;
      });

      check("firestore: delete with a stale updatedAt precondition fails", () -> {
        DocumentReference d = calls.document("stale");
        Timestamp first = d.set(Map.of("v", 1L)).get().getUpdateTime();
        d.set(Map.of("v", 2L)).get();
        try {
          d.delete(Precondition.updatedAt(first)).get();
        } catch (ExecutionException e) {
          return code(e);
        }
        throw new AssertionError("stale-precondition delete succeeded; doc exists: " + d.get().get().exists());
      });

      check("firestore: two concurrent read-modify-write transactions both count", () -> {
        DocumentReference counter = calls.document("race");
        counter.set(Map.of("n", 0L)).get();
        CyclicBarrier bothRead = new CyclicBarrier(2);
        List<ApiFuture<Void>> txs = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
          AtomicBoolean first = new AtomicBoolean(true);
          txs.add(db.runTransaction(tx -> {
            long n = tx.get(counter).get().getLong("n");
            if (first.getAndSet(false)) bothRead.await(5, TimeUnit.SECONDS);
            tx.update(counter, "n", n + 1);
            return null;
          }));
        }
        ApiFutures.allAsList(txs).get(20, TimeUnit.SECONDS);
        long n = counter.get().get().getLong("n");
        expect(n == 2, "n = " + n + " after two increments (lost update)");
        return "n = 2";
      });
    } finally {
      db.close();
    }
  }
}
