package dev.videocall.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.firestore.Firestore;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.pubsub.v1.ReceivedMessage;
import dev.videocall.core.CoreConfig;
import dev.videocall.core.OwnerKey;
import dev.videocall.emulated.ChildJvm;
import dev.videocall.emulated.EmulatedCloud;
import dev.videocall.emulated.PushFront;
import dev.videocall.gcp.FirestoreClients;
import dev.videocall.gcp.PubSubClients;
import dev.videocall.testkit.InviteLink;
import dev.videocall.testkit.RequiresEmulators;
import dev.videocall.testkit.WsClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A call of three on the emulated cloud, made by CreateCall under the invoker, alice and carol on
 * gateway A, bob on gateway B. With raw WebSocket clients: every pair relays both ways through
 * Pub/Sub and the router on Firestore, each message reaching its one recipient; presence shows one
 * participant document each; a hang-up removes only the one who hung up. With three headless-Chromium
 * pages (e2e/cloud-group-call.test.mjs): everyone sees everyone, all park, bob leaves and comes back.
 * Both count the router invocations and egress messages (docs/deploy.md, "What a call costs").
 */
@ExtendWith(RequiresEmulators.class)
class GroupCallCloudTest {
  static Emulators emulators;
  static EmulatedCloud cloud;
  static PubSubClients clients;
  static PushFront front;
  static ChildJvm gatewayA;
  static ChildJvm gatewayB;
  static String ownerKey;
  static String egressCount;

  @BeforeAll
  static void startCloud() throws Exception {
    emulators = Emulators.requireRunning();
    Map<String, String> env = new HashMap<>();
    env.put("INVITE_SIGNING_KEYS", CoreConfig.newKeySpec("group"));
    env.put("PUBLIC_BASE_URL", "http://localhost");
    env.put("LOG_LEVEL", "INFO");
    env.put("MAX_NEW_CONNECTIONS_PER_ADDRESS_PER_MINUTE", "1000000");
    ownerKey = OwnerKey.generate();
    env.put("OWNER_KEY", ownerKey);
    String prefix = "group-" + emulators.suffix;
    cloud = EmulatedCloud.start(Emulators.deployables(), new EmulatedCloud.Settings(
        emulators.pubsubHost, emulators.firestoreHost, prefix, env, List.of(0, 0), null, true, Emulators.LOG_DIR).withPushFront());
    clients = cloud.clients();
    front = cloud.front();
    gatewayA = cloud.gateways().get(0);
    gatewayB = cloud.gateways().get(1);
    egressCount = prefix + "-egress-count";
    Emulators.createOrderedSubscription(clients, cloud.resources().egressTopic(), egressCount);
  }

  @AfterAll
  static void stopCloud() {
    if (cloud != null) {
      cloud.close();
    }
  }

  /** The links CreateCall (under the invoker, as on Cloud Functions) makes for these people. */
  static Map<String, InviteLink> createCall(List<String> people) throws Exception {
    String body = "{\"users\":[\"" + String.join("\",\"", people) + "\"]}";
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + cloud.createCall().port + "/"))
            .header("Authorization", "Bearer " + ownerKey).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    JsonObject links = JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonObject("links");
    Map<String, InviteLink> out = new LinkedHashMap<>();
    for (String p : people) {
      out.put(p, InviteLink.parse(links.get(p).getAsString()));
    }
    return out;
  }

  static String sessionOf(InviteLink link) {
    return link.token().split("\\.")[2];
  }

  @Test
  void threePeopleOnTwoGatewaysRelayEveryPairBothWays() throws Exception {
    List<String> people = List.of("alice", "bob", "carol");
    Map<String, InviteLink> links = createCall(people);
    assertEquals("userID=carol&peerID=alice&peerID=bob", links.get("carol").query());
    Map<String, ChildJvm> gatewayOf = Map.of("alice", gatewayA, "bob", gatewayB, "carol", gatewayA);
    drainEgress();
    long pushedBefore = front.pushed.get();

    Map<String, WsClient> clients = new LinkedHashMap<>();
    for (String user : people) {
      ChildJvm gw = gatewayOf.get(user);
      WsClient c = links.get(user).connect(gw.port, "http://localhost:" + gw.port);
      JsonObject welcome = c.next("welcome");
      for (var p : welcome.getAsJsonArray("peers")) {
        JsonObject peer = p.getAsJsonObject();
        assertEquals(clients.containsKey(peer.get("peerID").getAsString()), peer.get("present").getAsBoolean(), user + ": " + welcome);
      }
      for (WsClient earlier : clients.values()) {
        assertEquals(user, earlier.next("peer-joined").get("peerID").getAsString());
      }
      clients.put(user, c);
    }

    // Each later joiner offers to those before it (its welcome said offerer), who answer; both trickle.
    int candidates = 3;
    for (int j = 0; j < people.size(); j++) {
      for (int i = 0; i < j; i++) {
        String offerer = people.get(j);
        String answerer = people.get(i);
        WsClient o = clients.get(offerer);
        WsClient a = clients.get(answerer);
        o.send("{\"type\":\"offer\",\"sdp\":\"v=0 " + offerer + ">" + answerer + "\",\"to\":\"" + answerer + "\"}");
        JsonObject offer = a.next();
        assertEquals("offer", offer.get("type").getAsString());
        assertEquals(offerer, offer.get("from").getAsString());
        assertEquals("v=0 " + offerer + ">" + answerer, offer.get("sdp").getAsString());
        a.send("{\"type\":\"answer\",\"sdp\":\"v=0 " + answerer + ">" + offerer + "\",\"to\":\"" + offerer + "\"}");
        JsonObject answer = o.next();
        assertEquals("answer", answer.get("type").getAsString());
        assertEquals(answerer, answer.get("from").getAsString());
        for (int k = 0; k < candidates; k++) {
          o.send(candidate(offerer + ">" + answerer + ":" + k, answerer));
          a.send(candidate(answerer + ">" + offerer + ":" + k, offerer));
        }
        for (int k = 0; k < candidates; k++) {
          assertEquals(offerer + ">" + answerer + ":" + k, candidateOf(a.next()), "in order, to " + answerer + " only");
          assertEquals(answerer + ">" + offerer + ":" + k, candidateOf(o.next()), "in order, to " + offerer + " only");
        }
      }
    }
    Thread.sleep(1000);
    for (var c : clients.entrySet()) {
      assertNull(c.getValue().frames.poll(), c.getKey() + " heard nothing meant for someone else");
    }
    long invocations = front.pushed.get() - pushedBefore;
    long egress = drainEgress();
    System.out.printf("call of three on the emulated cloud: 3 joins, 3 pairs x (offer, answer, %d candidates each way): "
        + "%d router invocations, %d egress messages%n", candidates, invocations, egress);

    String session = sessionOf(links.get("alice"));
    try (Firestore db = FirestoreClients.create(emulators.config())) {
      var call = db.collection("sessions").document(session);
      assertEquals(people, call.get().get().get("users"));
      assertEquals("active", call.get().get().getString("state"));
      Map<String, String> gateways = call.collection("participants").get().get().getDocuments().stream()
          .collect(Collectors.toMap(d -> d.getId(), d -> d.getString("gatewayId")));
      assertEquals(Set.copyOf(people), gateways.keySet(), "one participant document per person");
      assertEquals(gateways.get("alice"), gateways.get("carol"));
      assertTrue(!gateways.get("alice").equals(gateways.get("bob")), "bob is on the other gateway: " + gateways);
    }

    clients.get("bob").send("{\"type\":\"bye\"}");
    for (String user : List.of("alice", "carol")) {
      JsonObject left = clients.get(user).next("peer-left");
      assertEquals("bob", left.get("peerID").getAsString());
      assertEquals("hangup", left.get("reason").getAsString());
    }
    clients.get("carol").send("{\"type\":\"offer\",\"sdp\":\"v=0 again\",\"to\":\"alice\"}");
    assertEquals("v=0 again", clients.get("alice").next("offer").get("sdp").getAsString(), "the two others go on");
    clients.get("carol").send("{\"type\":\"offer\",\"sdp\":\"v=0\",\"to\":\"bob\"}");
    JsonObject absent = clients.get("carol").next("error");
    assertEquals("peer-absent", absent.get("code").getAsString());
    assertEquals("bob", absent.get("peerID").getAsString());
    InviteLink alice = links.get("alice");
    WsClient fifth = WsClient.connectWithToken(gatewayB.port, alice.query() + "&peerID=dave&peerID=erin", alice.token(),
        "http://localhost:" + gatewayB.port);
    assertEquals("call-full", fifth.next("error").get("code").getAsString());
    assertEquals(4003, fifth.closeCode());
    clients.values().forEach(c -> c.ws.sendClose(1000, "done"));
  }

  @Test
  void threeBrowsersOnTwoGatewaysSeeEachOtherParkAndOneComesBack() throws Exception {
    ProcessBuilder pb = BrowserRun.of("cloud-group-call.test.mjs");
    List<String> people = List.of("alice", "bob", "carol");
    Map<String, InviteLink> links = createCall(people);
    Map<String, ChildJvm> gatewayOf = Map.of("alice", gatewayA, "bob", gatewayB, "carol", gatewayA);
    for (int i = 0; i < people.size(); i++) {
      InviteLink link = links.get(people.get(i));
      pb.environment().put("CLOUD_LINK_" + (char) ('A' + i), "http://localhost:" + gatewayOf.get(people.get(i)).port + "/video?"
          + link.query() + "#token=" + URLEncoder.encode(link.token(), StandardCharsets.UTF_8));
    }
    Path sync = Files.createTempDirectory("group-call-marks");
    pb.environment().put("CLOUD_SYNC_DIR", sync.toString());
    drainEgress();
    // Router invocations and egress messages at each "# mark" line of the page's run.
    Map<String, long[]> at = new LinkedHashMap<>();
    Process node = pb.start();
    StringBuilder output = new StringBuilder();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
      long egress = 0;
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        output.append(line).append('\n');
        int markAt = line.indexOf("# mark ");
        if (markAt >= 0) {
          String name = line.substring(markAt + 7).trim().split(" ", 2)[0];
          Emulators.awaitQuietPushes(front);
          egress += drainEgress();
          at.put(name, new long[] {front.pushed.get(), egress});
          Files.createFile(sync.resolve(name)); // counted: the page may go on
        }
      }
    }
    assertTrue(node.waitFor(60, TimeUnit.SECONDS), "browser test did not end");
    System.out.println(output);
    assertEquals(0, node.exitValue(), output.toString());
    assertTrue(output.toString().contains("pass 1") && output.toString().contains("skipped 0"), output.toString());
    assertEquals(List.of("start", "set-up", "hung-up", "back"), List.copyOf(at.keySet()), "the page's marks");
    long[] start = at.get("start");
    long[] setUp = at.get("set-up");
    long[] hungUp = at.get("hung-up");
    long[] back = at.get("back");
    System.out.printf("browser call of three on the emulated cloud (router invocations, egress messages): set-up until all parked %d, %d; "
        + "bob's hang-up %d, %d; bob back until all parked again %d, %d%n",
        setUp[0] - start[0], setUp[1] - start[1], hungUp[0] - setUp[0], hungUp[1] - setUp[1], back[0] - hungUp[0], back[1] - hungUp[1]);
  }

  static String candidate(String name, String to) {
    return "{\"type\":\"candidate\",\"ice\":{\"candidate\":\"" + name + "\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0},\"to\":\"" + to + "\"}";
  }

  static String candidateOf(JsonObject frame) {
    assertEquals("candidate", frame.get("type").getAsString(), frame.toString());
    return frame.getAsJsonObject("ice").get("candidate").getAsString();
  }

  /** Acknowledges and counts what reached the counting subscription since the last call. */
  static long drainEgress() throws Exception {
    long n = 0;
    try (SubscriptionAdminClient admin = clients.subscriptionAdmin()) {
      String sub = clients.subscription(egressCount).toString();
      long quietSince = System.nanoTime();
      while (System.nanoTime() - quietSince < TimeUnit.MILLISECONDS.toNanos(1000)) {
        List<ReceivedMessage> got = Emulators.pullNow(admin, sub, 1000);
        if (got.isEmpty()) {
          Thread.sleep(100);
          continue;
        }
        n += got.size();
        quietSince = System.nanoTime();
        admin.acknowledge(sub, got.stream().map(ReceivedMessage::getAckId).toList());
      }
    }
    return n;
  }
}
