package dev.videocall.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videocall.emulated.ChildJvm;
import dev.videocall.testkit.RequiresEmulators;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * README's second command as a new user meets it: a fresh emulated cloud started as {@code scripts/run
 * --emulated-cloud} starts it (its runnable jar, the emulators already running), both printed links
 * opened in headless Chromium at the same moment, each person on a different gateway, and the first
 * call connects (e2e/cloud-first-call.test.mjs). Then the Firestore addresses the run printed list
 * that call, its participants and both gateways, as the console would.
 */
@ExtendWith(RequiresEmulators.class)
class FirstCallTest {
  private static final Pattern LINK = Pattern.compile("^\\s+(alice|bob)\\s+\\(gateway [AB]\\): (\\S+)$");
  private static final Pattern CURL = Pattern.compile("^\\s+curl -s '(\\S+)'$");
  private static final Pattern GATEWAYS = Pattern.compile("gateway A \\S+ \\((\\S+)\\), gateway B \\S+ \\((\\S+)\\)");

  @Test
  void bothLinksOfAFreshRunOpenedAtOnceConnectTheFirstCall() throws Exception {
    ProcessBuilder pb = BrowserRun.of("cloud-first-call.test.mjs");
    Emulators emulators = Emulators.requireRunning();
    int portA = ChildJvm.freePort();
    int portB = ChildJvm.freePort();
    Map<String, String> env = Map.of(
        "PUBSUB_EMULATOR_HOST", emulators.pubsubHost,
        "FIRESTORE_EMULATOR_HOST", emulators.firestoreHost,
        "PORT_B", Integer.toString(portB),
        "VIDEOCALL_ROOT", Path.of("..").toAbsolutePath().normalize().toString());
    ChildJvm run = ChildJvm.start("emulated-cloud-run", List.of("-jar", System.getProperty("emulated.jar")), env, portA, Emulators.LOG_DIR);
    try {
      List<String> printed = awaitPrinted(run);
      String alice = null;
      String bob = null;
      List<String> firestore = new java.util.ArrayList<>();
      List<String> gatewayIds = new java.util.ArrayList<>();
      for (String line : printed) {
        Matcher gateways = GATEWAYS.matcher(line);
        if (gateways.find()) {
          gatewayIds.addAll(List.of(gateways.group(1), gateways.group(2)));
        }
        Matcher link = LINK.matcher(line);
        Matcher curl = CURL.matcher(line);
        if (link.matches()) {
          if (link.group(1).equals("alice")) {
            alice = link.group(2);
          } else {
            bob = link.group(2);
          }
        } else if (curl.matches()) {
          firestore.add(curl.group(1));
        }
      }
      assertTrue(alice != null && bob != null, "the run printed both links:\n" + String.join("\n", printed));

      pb.environment().put("CLOUD_LINK_A", alice);
      pb.environment().put("CLOUD_LINK_B", bob);
      Path sync = Files.createTempDirectory("first-call");
      pb.environment().put("CLOUD_SYNC_DIR", sync.toString());
      Process node = pb.start();
      StringBuilder output = new StringBuilder();
      AssertionError looking = null;
      try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          output.append(line).append('\n');
          if (line.contains("# connected")) {
            try {
              // While both people are in the call: what the printed addresses list.
              assertListed(printed, firestore, gatewayIds);
            } catch (AssertionError e) {
              looking = e;
            }
            Files.createFile(sync.resolve("looked"));
          }
        }
      }
      assertTrue(node.waitFor(120, TimeUnit.SECONDS), "browser test timed out");
      System.out.println(output);
      assertEquals(0, node.exitValue(), output + "\nrun's log:\n" + run.tail());
      assertTrue(output.toString().contains("pass 1") && output.toString().contains("skipped 0"), output.toString());
      assertTrue(output.toString().contains("# connected"), "the call connected and its documents were looked at");
      if (looking != null) {
        throw looking;
      }
    } finally {
      // As Ctrl+C: the run stops the processes it started before it exits.
      run.stop(60);
    }
  }

  private static void assertListed(List<String> printed, List<String> firestore, List<String> gatewayIds) throws Exception {
    assertEquals(3, firestore.size(), "the run printed how to list sessions, participants and gateways:\n" + String.join("\n", printed));
    String session = sessionOf(firestore.get(1));
    HttpClient http = HttpClient.newHttpClient();
    assertTrue(documents(http, firestore.get(0)).contains("sessions/" + session), "the call is listed in " + firestore.get(0));
    assertEquals(List.of("sessions/" + session + "/participants/alice", "sessions/" + session + "/participants/bob"),
        documents(http, firestore.get(1)).stream().sorted().toList(), "its two people");
    assertEquals(2, gatewayIds.size(), "the run named its gateways:\n" + String.join("\n", printed));
    List<String> gateways = documents(http, firestore.get(2));
    for (String id : gatewayIds) {
      assertTrue(gateways.contains("gateways/" + id), id + " is listed in " + firestore.get(2));
    }
  }

  /** The session id in .../documents/sessions/ID/participants. */
  private static String sessionOf(String participantsUrl) {
    Matcher m = Pattern.compile("/sessions/([^/]+)/participants$").matcher(participantsUrl);
    assertTrue(m.find(), participantsUrl);
    return m.group(1);
  }

  /** The documents a REST listing names, every page of it, as paths below .../documents/. */
  private static List<String> documents(HttpClient http, String url) throws Exception {
    List<String> names = new java.util.ArrayList<>();
    String page = "";
    do {
      String paged = url + "?pageSize=300" + (page.isEmpty() ? "" : "&pageToken=" + java.net.URLEncoder.encode(page, StandardCharsets.UTF_8));
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(paged)).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), paged + ": " + r.body());
      com.google.gson.JsonObject body = com.google.gson.JsonParser.parseString(r.body()).getAsJsonObject();
      if (body.has("documents")) {
        for (var d : body.getAsJsonArray("documents")) {
          String name = d.getAsJsonObject().get("name").getAsString();
          names.add(name.substring(name.indexOf("/documents/") + "/documents/".length()));
        }
      }
      page = body.has("nextPageToken") ? body.get("nextPageToken").getAsString() : "";
    } while (!page.isEmpty());
    return names;
  }

  /** Everything the run printed once it says it is ready (the "Press Ctrl+C" line), within 180 s. */
  private static List<String> awaitPrinted(ChildJvm run) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      assertTrue(run.isAlive(), "the run exited:\n" + run.tail());
      List<String> lines = run.logLines();
      if (lines.stream().anyMatch(l -> l.contains("Press Ctrl+C"))) {
        return lines;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the run did not print its links within 180 s:\n" + run.tail());
  }
}
