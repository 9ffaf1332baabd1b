package dev.videocall.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.hook.DefaultShutdownHook;
import ch.qos.logback.core.spi.ContextAwareBase;
import net.logstash.logback.composite.loggingevent.KeyValuePairsJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggerNameJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggingEventFormattedTimestampJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggingEventJsonProviders;
import net.logstash.logback.composite.loggingevent.LoggingEventThreadNameJsonProvider;
import net.logstash.logback.composite.loggingevent.MdcJsonProvider;
import net.logstash.logback.composite.loggingevent.MessageJsonProvider;
import net.logstash.logback.composite.loggingevent.StackTraceJsonProvider;
import net.logstash.logback.encoder.LoggingEventCompositeJsonEncoder;

/**
 * One JSON object per line on stdout, in the shape Cloud Logging reads ({@code severity},
 * {@code message}, {@code time}), with each log call's key-values as top-level fields; {@code
 * LOG_LEVEL} sets the level. Logback finds this class through the service loader before it looks
 * for an XML file: configured in code, a process skips parsing logback.xml, which cost about 200 ms
 * of a cold start (a function's start counts).
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class JsonLogConfigurator extends ContextAwareBase implements Configurator {

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("JSON");
    console.setEncoder(encoder(context));
    console.start();

    context.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
    context.getLogger("io.grpc").setLevel(Level.WARN);
    context.getLogger("io.netty").setLevel(Level.WARN);
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(System.getenv("LOG_LEVEL"), Level.INFO));
    root.addAppender(console);

    // Lines still buffered when the process is told to stop are written before it exits.
    DefaultShutdownHook hook = new DefaultShutdownHook();
    hook.setContext(context);
    Runtime.getRuntime().addShutdownHook(new Thread(hook, "logback-shutdown"));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** The encoder alone, for tests: the same fields in the same order as every process writes them. */
  static LoggingEventCompositeJsonEncoder encoder(LoggerContext context) {
    LoggingEventJsonProviders providers = new LoggingEventJsonProviders();
    LoggingEventFormattedTimestampJsonProvider time = new LoggingEventFormattedTimestampJsonProvider();
    time.setFieldName("time");
    providers.addTimestamp(time);
    providers.addProvider(new SeverityJsonProvider());
    providers.addMessage(new MessageJsonProvider());
    LoggerNameJsonProvider logger = new LoggerNameJsonProvider();
    logger.setFieldName("logger");
    logger.setShortenedLoggerNameLength(36);
    providers.addLoggerName(logger);
    LoggingEventThreadNameJsonProvider thread = new LoggingEventThreadNameJsonProvider();
    thread.setFieldName("thread");
    providers.addThreadName(thread);
    providers.addKeyValuePairs(new KeyValuePairsJsonProvider());
    providers.addMdc(new MdcJsonProvider());
    StackTraceJsonProvider stack = new StackTraceJsonProvider();
    stack.setFieldName("stack_trace");
    providers.addStackTrace(stack);

    LoggingEventCompositeJsonEncoder encoder = new LoggingEventCompositeJsonEncoder();
    encoder.setContext(context);
    encoder.setProviders(providers);
    encoder.start();
    return encoder;
  }
}
