package dev.videocall.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.charset.StandardCharsets;
import net.logstash.logback.encoder.LoggingEventCompositeJsonEncoder;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

class JsonLogConfiguratorTest {

  @Test
  void everyProcessLogsThroughTheConfiguratorNotAnXmlFile() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ConsoleAppender<?> console = assertInstanceOf(ConsoleAppender.class, root.getAppender("JSON"));
    assertInstanceOf(LoggingEventCompositeJsonEncoder.class, console.getEncoder());
    assertEquals(Level.WARN, context.getLogger("io.grpc").getLevel());
    assertEquals(Level.WARN, context.getLogger("org.eclipse.jetty").getLevel());
  }

  @Test
  void aLineIsOneJsonObjectInCloudLoggingsShape() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    LoggingEventCompositeJsonEncoder encoder = JsonLogConfigurator.encoder(context);
    Logger logger = context.getLogger("dev.videocall.gateway.gcp.EgressSubscription");
    LoggingEvent event = new LoggingEvent("fqcn", logger, Level.WARN, "refused \"frame\"", new IllegalStateException("boom"), null);
    event.addKeyValuePair(new KeyValuePair("callId", "c1"));
    event.addKeyValuePair(new KeyValuePair("bytes", 42));
    event.setThreadName("relay-1");

    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

    assertTrue(line.endsWith("}" + System.lineSeparator()), line);
    assertEquals(1, line.strip().lines().count(), "one line, even with a stack trace: " + line);
    assertTrue(line.startsWith("{\"time\":\""), line);
    for (String field : new String[] {
        "\"severity\":\"WARNING\"", // Cloud Logging's name, not logback's WARN
        "\"message\":\"refused \\\"frame\\\"\"",
        "\"logger\":\"d.v.gateway.gcp.EgressSubscription\"", // shortened to 36 characters
        "\"thread\":\"relay-1\"",
        "\"callId\":\"c1\"",
        "\"bytes\":42",
        "\"stack_trace\":\"java.lang.IllegalStateException: boom"}) {
      assertTrue(line.contains(field), field + " in " + line);
    }
  }
}
