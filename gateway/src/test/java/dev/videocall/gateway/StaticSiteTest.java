package dev.videocall.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StaticSiteTest {

  @Test
  void theWholePageIsReadAtStartUp() {
    StaticSite site = new StaticSite(new SecurityHeaders(null));
    assertTrue(site.size() >= 10, "files served: " + site.size());
    assertTrue(new String(site.lookup("/").orElseThrow().bytes(), StandardCharsets.UTF_8).contains("<html"));
    assertTrue(site.lookup("/video").isPresent());
    assertTrue(site.lookup("/js/wire.js").orElseThrow().contentType().startsWith("text/javascript"));
    assertTrue(site.lookup("/index.html/..").isEmpty());
  }

  /** The attack run: 400,000 distinct 404 paths grew the heap by 116 MB, because misses were cached. */
  @Test
  void manyDistinctMissesLeaveWhatIsHeldUnchanged() {
    StaticSite site = new StaticSite(new SecurityHeaders(null));
    int before = site.size();
    for (int i = 0; i < 100_000; i++) {
      assertTrue(site.lookup("/missing-" + i + ".js").isEmpty());
    }
    assertEquals(before, site.size(), "a miss is never remembered");
  }
}
