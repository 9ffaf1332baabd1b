package dev.videocall.testkit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/** Every log event of this JVM from {@link #start()} until {@link #close()}, for counting lines. */
public final class LogCapture implements AutoCloseable {
  private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent e) {
      events.add(e);
    }
  };

  private LogCapture() {}

  public static LogCapture start() {
    LogCapture capture = new LogCapture();
    capture.appender.start();
    root().addAppender(capture.appender);
    return capture;
  }

  /** Events carrying this key-value pair (for example {@code code} = {@code 4008}). */
  public List<ILoggingEvent> withKeyValue(String key, Object value) {
    return events.stream()
        .filter(e -> e.getKeyValuePairs() != null
            && e.getKeyValuePairs().stream().anyMatch(kv -> key.equals(kv.key) && Objects.equals(String.valueOf(value), String.valueOf(kv.value))))
        .toList();
  }

  @Override
  public void close() {
    root().detachAppender(appender);
    appender.stop();
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
