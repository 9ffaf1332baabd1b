package dev.videocall.functions.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import dev.videocall.contract.ConnectionRef;
import dev.videocall.contract.Envelope;
import dev.videocall.contract.invite.InviteTokens;
import dev.videocall.contract.invite.SigningKeys;
import dev.videocall.core.GatewayLiveness;
import dev.videocall.core.IceServers;
import dev.videocall.core.PresenceStore;
import dev.videocall.core.SignalingRouter;
import dev.videocall.functions.Pushes;
import dev.videocall.functions.RouterFunction;
import dev.videocall.gcp.CloudConfig;
import dev.videocall.gcp.FirestoreClients;
import dev.videocall.testkit.EmulatorSupport;
import dev.videocall.testkit.RequiresEmulators;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A wake through the router function on the Firestore emulator: its client connects (seen by a relay
 * between client and emulator), the join after it needs no connection of its own, and no presence
 * document is created or changed.
 */
@ExtendWith(RequiresEmulators.class)
class FirestoreWarmUpTest {
  private static Relay relay;
  /** The router's client, through the relay; the test's own reads and writes go to the emulator directly. */
  private static Firestore routerDb;
  private static Firestore db;

  @BeforeAll
  static void connect() throws IOException {
    String host = EmulatorSupport.hosts().orElseThrow().firestore();
    relay = new Relay(host);
    // setEmulatorHost, not FirestoreClients: FIRESTORE_EMULATOR_HOST would win over any other channel.
    routerDb = FirestoreOptions.newBuilder().setProjectId("demo-videocall").setEmulatorHost(relay.hostPort()).build().getService();
    db = FirestoreClients.create(CloudConfig.fromEnv(Map.of("FIRESTORE_EMULATOR_HOST", host)));
  }

  @AfterAll
  static void disconnect() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {routerDb, db, relay}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void aWakeConnectsFirestoreAndLeavesPresenceAsItWas() throws Exception {
    InviteTokens tokens = new InviteTokens(SigningKeys.of("k1", "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));
    FirestorePresenceStore presence = new FirestorePresenceStore(routerDb);
    List<String> delivered = new ArrayList<>();
    RouterFunction function = new RouterFunction(
        new SignalingRouter(tokens, presence, GatewayLiveness.ALWAYS_ALIVE, IceServers.stunOnly(List.of()), Clock.systemUTC()),
        deliveries -> delivered.add(deliveries.toString()),
        new FirestoreWarmUp(routerDb));
    // A call in progress, written by someone else: its documents must come out of the wake as they went in.
    String session = "s" + UUID.randomUUID().toString().replace("-", "");
    Instant now = Instant.now();
    new FirestorePresenceStore(db).join(
        new PresenceStore.Join(session, "alice", "bob", new ConnectionRef("gw-a", "c1"), now, "ua", now.plusSeconds(3600), now));
    Map<String, String> before = presenceDocuments(session);
    assertEquals(0, relay.connections(), "the router's client has not connected yet");

    assertEquals(204, Pushes.push(function, Envelope.wake("gw-a"), status -> {}));

    assertEquals(1, relay.connections(), "the wake connected the router's Firestore client");
    assertTrue(relay.bytesBack() > 0, "and Firestore answered on it");
    assertEquals(before, presenceDocuments(session), "no presence document created or changed");
    assertFalse(db.collection(FirestoreWarmUp.COLLECTION).document(FirestoreWarmUp.DOCUMENT).get().get().exists(),
        "the document the wake reads is never written");
    assertEquals(List.of(), delivered, "a wake delivers nothing to any gateway");

    presence.join(new PresenceStore.Join(session, "bob", "alice", new ConnectionRef("gw-a", "c2"), now, "ua", now.plusSeconds(3600), now));
    assertEquals(1, relay.connections(), "the join after the wake used the wake's connection");
  }

  /** The ids of every call, and this call's documents by path → update time. */
  private static Map<String, String> presenceDocuments(String session) throws Exception {
    Map<String, String> out = new TreeMap<>();
    for (DocumentReference call : db.collection("sessions").listDocuments()) {
      out.put(call.getPath(), "exists");
    }
    DocumentSnapshot call = db.collection("sessions").document(session).get().get();
    out.put(call.getReference().getPath(), String.valueOf(call.getUpdateTime()));
    for (DocumentSnapshot p : call.getReference().collection("participants").get().get().getDocuments()) {
      out.put(p.getReference().getPath(), String.valueOf(p.getUpdateTime()));
    }
    return out;
  }

  /** A TCP relay to the emulator that counts the connections made through it and the bytes sent back. */
  private static final class Relay implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong bytesBack = new AtomicLong();

    Relay(String target) throws IOException {
      String[] hostPort = target.split(":");
      Thread.ofVirtual().start(() -> {
        while (!server.isClosed()) {
          try {
            Socket client = server.accept();
            Socket upstream = new Socket(hostPort[0], Integer.parseInt(hostPort[1]));
            connections.incrementAndGet();
            Thread.ofVirtual().start(() -> pump(client, upstream, null));
            Thread.ofVirtual().start(() -> pump(upstream, client, bytesBack));
          } catch (IOException e) {
            return; // closed
          }
        }
      });
    }

    private static void pump(Socket from, Socket to, AtomicLong counter) {
      byte[] buffer = new byte[16 * 1024];
      try (from; to) {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        for (int n; (n = in.read(buffer)) >= 0; ) {
          out.write(buffer, 0, n);
          out.flush();
          if (counter != null) {
            counter.addAndGet(n);
          }
        }
      } catch (IOException e) {
        // one side closed: closing both ends the other pump too
      }
    }

    String hostPort() {
      return "127.0.0.1:" + server.getLocalPort();
    }

    int connections() {
      return connections.get();
    }

    long bytesBack() {
      return bytesBack.get();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
