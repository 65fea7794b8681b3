package io.kafkaflows.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Collects what a logger category writes (at its configured level, log4j2.xml) while open, as
 * {@code "LEVEL message"} lines (plus {@code " [trace_id=...]"} when logged inside a span), so a test can assert on
 * what the app logged. Close it to detach.
 */
public final class LogCapture implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final LoggerConfig logger;
    private final AbstractAppender appender;

    private LogCapture(String category) {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        logger = context.getConfiguration().getLoggerConfig(category);
        appender = new AbstractAppender("capture-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                String traceId = event.getContextData().getValue("trace_id");
                lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage()
                        + (traceId == null ? "" : " [trace_id=" + traceId + "]"));
            }
        };
        appender.start();
        logger.addAppender(appender, null, null);
        context.updateLoggers();
    }

    /** Starts capturing {@code category} and everything below it that has no logger config of its own. */
    public static LogCapture of(String category) {
        return new LogCapture(category);
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        logger.removeAppender(appender.getName());
        appender.stop();
        ((LoggerContext) LogManager.getContext(false)).updateLoggers();
    }
}
