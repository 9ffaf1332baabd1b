package dev.videocall.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.ListenerRegistration;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.pubsub.v1.ReceivedMessage;
import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.contract.invite.SigningKeys;
import dev.videocall.core.CoreConfig;
import dev.videocall.emulated.ChildJvm;
import dev.videocall.emulated.EmulatedCloud;
import dev.videocall.emulated.PushFront;
import dev.videocall.gcp.FirestoreClients;
import dev.videocall.gcp.PubSubClients;
import dev.videocall.testkit.RequiresEmulators;
import dev.videocall.testkit.WsClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Parking on the emulated cloud (docs/protocol.md, "Parking"): presence of a parked pair, coming back
 * without anyone hearing peer-left, and what a parked browser call costs. Production heartbeat
 * settings (a beat every 10 s, a 30 s window), so gateways that hold no socket really go stale.
 *
 * <p>The cost run drives a real headless-Chromium call across the two gateways
 * (e2e/cloud-parked-call.test.mjs) and counts, stretch by stretch between the page's "# mark" lines:
 * ingress envelopes pushed to the router (= router invocations), egress messages (an extra
 * subscription on the egress topic sees every one), Firestore writes per document (snapshot
 * listeners, as CallProfileTest), the router's presence operations (its log), and the time each
 * gateway held at least one socket (its "no connections left" lines). While the call is parked both
 * gateway processes are stopped (SIGSTOP) as Cloud Run suspends an instance with no request under
 * request-based billing, and continued before the page needs them again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(RequiresEmulators.class)
class ParkedCallTest {
  static final int PARKED_SECONDS = 60;

  static Emulators emulators;
  static EmulatedCloud cloud;
  static PubSubClients clients;
  static PushFront front;
  static ChildJvm gatewayA;
  static ChildJvm gatewayB;
  static InviteTokens tokens;
  static Firestore db;
  static String egressCount;

  @BeforeAll
  static void startCloud() throws Exception {
    emulators = Emulators.requireRunning();
    String keys = CoreConfig.newKeySpec("park");
    tokens = new InviteTokens(SigningKeys.parse(keys));
    Map<String, String> env = new HashMap<>();
    env.put("INVITE_SIGNING_KEYS", keys);
    env.put("PUBLIC_BASE_URL", "http://localhost");
    env.put("LOG_LEVEL", "INFO");
    env.put("HEARTBEAT_INTERVAL_SECONDS", "10");
    env.put("HEARTBEAT_WINDOW_SECONDS", "30");
    // Every page connects from 127.0.0.1; the per-address cap is tested in GatewayTest.
    env.put("MAX_NEW_CONNECTIONS_PER_ADDRESS_PER_MINUTE", "1000000");
    String prefix = "park-" + emulators.suffix;
    cloud = EmulatedCloud.start(Emulators.deployables(), new EmulatedCloud.Settings(
        emulators.pubsubHost, emulators.firestoreHost, prefix, env, List.of(0, 0), null, false, Emulators.LOG_DIR).withPushFront());
    clients = cloud.clients();
    front = cloud.front();
    gatewayA = cloud.gateways().get(0);
    gatewayB = cloud.gateways().get(1);
    egressCount = prefix + "-egress-count";
    Emulators.createOrderedSubscription(clients, cloud.resources().egressTopic(), egressCount);
    db = FirestoreClients.create(emulators.config());
  }

  @AfterAll
  static void stopCloud() {
    if (db != null) {
      db.shutdownNow();
    }
    if (cloud != null) {
      cloud.close();
    }
  }

  /** Query string of a socket's URL, in the older form (token in the query), for Java clients. */
  static String link(String session, String user, String peer) {
    return Emulators.linkQuery(tokens, session, user, peer, false);
  }

  /** What follows {@code /video?} in a page's link as CreateCall makes it: the token in the fragment. */
  static String pageLink(String session, String user, String peer) {
    return Emulators.linkQuery(tokens, session, user, peer, true);
  }

  static WsClient connect(ChildJvm gateway, String query) throws Exception {
    return WsClient.connect(gateway.port, query, "http://localhost:" + gateway.port);
  }

  static DocumentSnapshot doc(String path) throws Exception {
    return db.document(path).get().get();
  }

  static void awaitState(String session, String state) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String now = null;
    while (System.nanoTime() < deadline) {
      now = doc("sessions/" + session).getString("state");
      if (state.equals(now)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("call state " + now + ", expected " + state);
  }

  static void awaitParked(String session, String user) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (doc("sessions/" + session + "/participants/" + user).getTimestamp("parkedAt") == null) {
      assertTrue(System.nanoTime() < deadline, user + " never parked");
      Thread.sleep(50);
    }
  }

  /** Sockets the presence test opened, closed whatever happens so the cost run starts from idle gateways. */
  final List<WsClient> sockets = new ArrayList<>();

  @org.junit.jupiter.api.AfterEach
  void closeSockets() {
    for (WsClient c : sockets) {
      if (!c.closed.isDone()) {
        c.ws.sendClose(1000, "done").join();
        c.closed.completeOnTimeout(0, 5, TimeUnit.SECONDS).join();
      }
    }
  }

  WsClient open(ChildJvm gateway, String query) throws Exception {
    WsClient c = connect(gateway, query);
    sockets.add(c);
    return c;
  }

  @Test
  @Order(1)
  void aParkedPairIsParkedInPresenceAndComingBackIsAJoinNobodyHearsAsALeave() throws Exception {
    String session = tokens.newSessionId();
    WsClient alice = open(gatewayA, link(session, "alice", "bob"));
    alice.next("welcome");
    WsClient bob = open(gatewayB, link(session, "bob", "alice"));
    bob.next("welcome");
    alice.next("peer-joined");

    alice.ws.sendClose(4100, "parked").join();
    awaitParked(session, "alice");
    assertEquals("active", doc("sessions/" + session).getString("state"), "bob still holds his socket");
    assertNull(bob.frames.poll(500, TimeUnit.MILLISECONDS), "bob is told nothing when alice parks");
    bob.ws.sendClose(4100, "parked").join();
    awaitParked(session, "bob");
    awaitState(session, "parked");
    for (String user : List.of("alice", "bob")) {
      assertNotNull(doc("sessions/" + session + "/participants/" + user).getTimestamp("parkedAt"), user + " is parked, in the call");
    }
    cloud.sweepOnce();
    assertTrue(doc("sessions/" + session + "/participants/alice").exists(), "the sweeper leaves parked people alone");

    WsClient aliceBack = open(gatewayA, link(session, "alice", "bob"));
    JsonObject welcome = aliceBack.next("welcome");
    assertFalse(welcome.get("peerPresent").getAsBoolean());
    assertTrue(welcome.get("peerParked").getAsBoolean(), "alice learns bob is still in the call, parked");
    assertNull(doc("sessions/" + session + "/participants/alice").get("parkedAt"), "alice is back");
    awaitState(session, "active");

    WsClient bobBack = open(gatewayB, link(session, "bob", "alice"));
    JsonObject bobWelcome = bobBack.next("welcome");
    assertTrue(bobWelcome.get("peerPresent").getAsBoolean());
    assertEquals("offerer", bobWelcome.get("role").getAsString());
    assertEquals("bob", aliceBack.next("peer-joined").get("peerID").getAsString());
    bobBack.send("{\"type\":\"offer\",\"sdp\":\"v=0 restart\"}");
    assertEquals("v=0 restart", aliceBack.next("offer").get("sdp").getAsString(), "relays work again");
    List<String> heard = new ArrayList<>();
    for (WsClient c : List.of(alice, bob, aliceBack, bobBack)) {
      for (String f = c.frames.poll(300, TimeUnit.MILLISECONDS); f != null; f = c.frames.poll(100, TimeUnit.MILLISECONDS)) {
        heard.add(f);
      }
    }
    assertTrue(heard.stream().noneMatch(f -> f.contains("peer-left")), "nobody heard peer-left: " + heard);
    bobBack.send("{\"type\":\"bye\"}");
    assertEquals("hangup", aliceBack.next("peer-left").get("reason").getAsString());
  }

  /** Running counts of everything a call costs, at one moment. */
  record Counts(long pushed, long failedPushes, long egress, long writes, long heartbeatWrites, Map<String, Long> routerOps,
      long busyMillisA, long busyMillisB, long wakesA, long wakesB) {}

  @Test
  @Order(2)
  void aParkedBrowserCallCostsNothingWhileParked() throws Exception {
    ProcessBuilder pb = BrowserRun.of("cloud-parked-call.test.mjs");
    String session = tokens.newSessionId();
    drainEgress();
    WriteCounter writes = new WriteCounter(db, session, List.of(gatewayId(gatewayA), gatewayId(gatewayB)));
    Map<String, Counts> at = new LinkedHashMap<>();
    Map<String, String> details = new LinkedHashMap<>();
    at.put("start", counts(writes));
    pb.environment().put("CLOUD_LINK_A", "http://localhost:" + gatewayA.port + "/video?" + pageLink(session, "alice", "bob"));
    pb.environment().put("CLOUD_LINK_B", "http://localhost:" + gatewayB.port + "/video?" + pageLink(session, "bob", "alice"));
    pb.environment().put("CLOUD_PARKED_SECONDS", Integer.toString(PARKED_SECONDS));
    Path sync = Files.createTempDirectory("parked-call-marks");
    pb.environment().put("CLOUD_SYNC_DIR", sync.toString());
    Process node = pb.start();
    StringBuilder output = new StringBuilder();
    Thread freezer = null;
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        output.append(line).append('\n');
        int markAt = line.indexOf("# mark ");
        if (markAt < 0) {
          continue;
        }
        String[] words = line.substring(markAt + 7).trim().split(" ", 3);
        String name = words[0];
        if (name.equals("start")) {
          parkedOps = routerOps("parked");
          leftOps = routerOps("left call");
        }
        if (name.equals("set-up") || name.equals("restart")) {
          // Both pages say "parked" before their sockets' closes have gone through the router: wait for
          // those two "parked" operations, so they count in the stretch that caused them.
          parkedOps += 2;
          awaitRouterOps("parked", parkedOps);
        }
        if (name.equals("hang-up")) {
          awaitRouterOps("left call", leftOps + 2);
        }
        if (!name.equals("start")) {
          at.put(name, counts(writes));
          details.put(name, words.length > 2 ? words[2] : "");
        }
        if (name.equals("set-up")) {
          freezer = Thread.ofPlatform().start(ParkedCallTest::suspendGatewaysWhileParked);
        }
        Files.createFile(sync.resolve(name)); // counted: the page may go on
      }
    }
    assertTrue(node.waitFor(60, TimeUnit.SECONDS), "browser test did not end");
    if (freezer != null) {
      freezer.join(TimeUnit.SECONDS.toMillis(PARKED_SECONDS + 10));
    }
    writes.close();
    System.out.println(output);
    assertNull(freezeFailed, "suspending the gateways failed: " + freezeFailed);
    assertEquals(0, node.exitValue(), output.toString());
    assertTrue(output.toString().contains("pass 1") && output.toString().contains("skipped 0"), output.toString());

    Map<String, Counts> stretches = new LinkedHashMap<>();
    List<String> names = new ArrayList<>(at.keySet());
    for (int i = 1; i < names.size(); i++) {
      stretches.put(names.get(i), minus(at.get(names.get(i)), at.get(names.get(i - 1))));
    }
    print(stretches, details);
    Counts parked = stretches.get("parked");
    assertNotNull(parked, "no parked stretch was marked: " + at.keySet());
    assertEquals(0, parked.pushed() + parked.failedPushes(), "no envelope while parked");
    assertEquals(0, parked.egress(), "no egress message while parked");
    assertEquals(0, parked.writes() + parked.heartbeatWrites(), "no Firestore write while parked");
    assertEquals(0, parked.wakesA() + parked.wakesB(), "no socket opened while parked");
    assertEquals(0, parked.busyMillisA() + parked.busyMillisB(), "no gateway held a socket while parked");
    Counts restart = stretches.get("restart");
    assertTrue(restart.wakesA() >= 1 && restart.wakesB() >= 1, "both gateways woke for the restart: " + restart);
    // The renewal of the egress subscriber after the idle minute is off on the emulated cloud (Google's
    // emulator loses messages of a replaced streaming pull, docs/emulators.md); WakeOnFirstOpenTest pins it.
    assertTrue(gatewayLog(gatewayA).stream().anyMatch(l -> l.contains("first connection after idle") && l.contains("\"idleSeconds\"")),
        "gateway A woke for the first connection after the parked minute");
  }

  static volatile Throwable freezeFailed;

  /** SIGSTOP both gateways once neither holds a socket, and SIGCONT them a little before the page needs them. */
  static void suspendGatewaysWhileParked() {
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline && !(idle(gatewayA) && idle(gatewayB))) {
        Thread.sleep(100);
      }
      assertTrue(idle(gatewayA) && idle(gatewayB), "both gateways are idle once the call parked");
      signal("STOP", gatewayA, gatewayB);
      Thread.sleep(TimeUnit.SECONDS.toMillis(PARKED_SECONDS - 5));
      signal("CONT", gatewayA, gatewayB);
    } catch (Throwable e) {
      freezeFailed = e;
      signal("CONT", gatewayA, gatewayB);
    }
  }

  static void signal(String name, ChildJvm... processes) {
    for (ChildJvm p : processes) {
      try {
        new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start().waitFor();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
  }

  /** The gateway's last "first connection after idle" / "no connections left" line says no socket. */
  static boolean idle(ChildJvm gateway) throws Exception {
    String last = null;
    for (String l : gatewayLog(gateway)) {
      if (l.contains("\"first connection after idle\"") || l.contains("\"no connections left\"")) {
        last = l;
      }
    }
    return last == null || last.contains("no connections left");
  }

  static List<String> gatewayLog(ChildJvm gateway) throws Exception {
    return gateway.logLines();
  }

  static String gatewayId(ChildJvm gateway) {
    return gateway.name;
  }

  private long parkedOps;
  private long leftOps;

  /** Waits (at most 20 s) until the router has logged {@code op} {@code count} times in all. */
  void awaitRouterOps(String op, long count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (routerOps(op) < count && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
  }

  private long routerOps(String op) throws Exception {
    return cloud.router().logLines().stream().filter(l -> l.contains("\"message\":\"" + op + "\"")).count();
  }

  Counts counts(WriteCounter writes) throws Exception {
    Emulators.awaitQuietPushes(front);
    Thread.sleep(500); // listeners and logs
    Map<String, Long> ops = new LinkedHashMap<>();
    for (String op : List.of("joined call", "parked", "left call")) {
      ops.put(op, routerOps(op));
    }
    long[] a = busy(gatewayA);
    long[] b = busy(gatewayB);
    return new Counts(front.pushed.get(), front.failed.get(), egressSoFar += drainEgress(), writes.callWrites(), writes.heartbeatWrites(),
        ops, a[0], b[0], a[1], b[1]);
  }

  long egressSoFar;

  /** [ms holding a socket, wakes] so far; a stretch still open counts until now. */
  static long[] busy(ChildJvm gateway) throws Exception {
    long millis = 0;
    long wakes = 0;
    long openedAt = -1;
    for (String l : gatewayLog(gateway)) {
      if (l.contains("\"first connection after idle\"")) {
        wakes++;
        openedAt = Instant.parse(JsonParser.parseString(l).getAsJsonObject().get("time").getAsString()).toEpochMilli();
      } else if (l.contains("\"no connections left\"")) {
        millis += JsonParser.parseString(l).getAsJsonObject().get("busyMillis").getAsLong();
        openedAt = -1;
      }
    }
    if (openedAt >= 0) {
      millis += System.currentTimeMillis() - openedAt;
    }
    return new long[] {millis, wakes};
  }

  /** Acknowledges and counts what reached the counting subscription since the last call. */
  static long drainEgress() throws Exception {
    long n = 0;
    try (SubscriptionAdminClient admin = clients.subscriptionAdmin()) {
      String sub = clients.subscription(egressCount).toString();
      while (true) {
        List<ReceivedMessage> got = Emulators.pullNow(admin, sub, 1000);
        if (got.isEmpty()) {
          return n;
        }
        n += got.size();
        admin.acknowledge(sub, got.stream().map(ReceivedMessage::getAckId).toList());
      }
    }
  }

  static Counts minus(Counts x, Counts y) {
    Map<String, Long> ops = new LinkedHashMap<>();
    x.routerOps().forEach((k, v) -> ops.put(k, v - y.routerOps().getOrDefault(k, 0L)));
    return new Counts(x.pushed() - y.pushed(), x.failedPushes() - y.failedPushes(), x.egress() - y.egress(), x.writes() - y.writes(),
        x.heartbeatWrites() - y.heartbeatWrites(), ops, x.busyMillisA() - y.busyMillisA(), x.busyMillisB() - y.busyMillisB(),
        x.wakesA() - y.wakesA(), x.wakesB() - y.wakesB());
  }

  static void print(Map<String, Counts> stretches, Map<String, String> details) {
    StringBuilder out = new StringBuilder("parked call on the emulated cloud (" + PARKED_SECONDS + " s parked):\n");
    out.append(String.format("%-8s %7s %7s %7s %7s %9s %-42s %9s %9s %6s  %s%n",
        "stretch", "pushes", "retries", "egress", "writes", "hb-writes", "router ops", "gw-A ms", "gw-B ms", "wakes", "page says"));
    stretches.forEach((name, c) -> out.append(String.format("%-8s %7d %7d %7d %7d %9d %-42s %9d %9d %6s  %s%n",
        name, c.pushed(), c.failedPushes(), c.egress(), c.writes(), c.heartbeatWrites(), c.routerOps(), c.busyMillisA(), c.busyMillisB(),
        c.wakesA() + "+" + c.wakesB(), details.getOrDefault(name, ""))));
    System.out.print(out);
  }

  /**
   * Counts writes as Firestore reports them to snapshot listeners: each new update time of the call's
   * document and its participants (a delete counts once), and of the two gateways' heartbeat documents.
   */
  static final class WriteCounter implements AutoCloseable {
    private final Map<String, Set<Object>> versions = new ConcurrentHashMap<>();
    private final Set<String> heartbeatDocs = ConcurrentHashMap.newKeySet();
    private final List<ListenerRegistration> listeners = new ArrayList<>();

    WriteCounter(Firestore db, String session, List<String> gateways) {
      var sessionRef = db.collection("sessions").document(session);
      listeners.add(sessionRef.addSnapshotListener((snap, error) -> {
        if (snap != null && snap.exists()) {
          seen("sessions/" + session, snap.getUpdateTime());
        }
      }));
      listeners.add(sessionRef.collection("participants").addSnapshotListener((snap, error) -> {
        if (snap == null) {
          return;
        }
        for (var change : snap.getDocumentChanges()) {
          String name = "participants/" + change.getDocument().getId();
          seen(name, change.getType() == com.google.cloud.firestore.DocumentChange.Type.REMOVED
              ? "deleted@" + snap.getReadTime() : change.getDocument().getUpdateTime());
        }
      }));
      for (String g : gateways) {
        heartbeatDocs.add("gateways/" + g);
        listeners.add(db.collection("gateways").document(g).addSnapshotListener((snap, error) -> {
          if (snap != null && snap.exists()) {
            seen("gateways/" + g, snap.getUpdateTime());
          }
        }));
      }
    }

    private void seen(String doc, Object version) {
      versions.computeIfAbsent(doc, k -> ConcurrentHashMap.newKeySet()).add(version);
    }

    long callWrites() {
      return versions.entrySet().stream().filter(e -> !heartbeatDocs.contains(e.getKey())).mapToLong(e -> e.getValue().size()).sum();
    }

    /** Heartbeat writes, less the one state each gateway document was in when listening began. */
    long heartbeatWrites() {
      return versions.entrySet().stream().filter(e -> heartbeatDocs.contains(e.getKey())).mapToLong(e -> e.getValue().size() - 1).sum();
    }

    @Override
    public void close() {
      listeners.forEach(ListenerRegistration::remove);
    }
  }
}
