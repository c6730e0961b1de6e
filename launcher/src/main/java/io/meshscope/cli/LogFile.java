package io.meshscope.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Sends this process's logs to a file for as long as it is open, then back to the console. For the
 * demo, whose console output is the product: the broker's and the stages' lines would otherwise
 * interleave with the Sidecars it prints.
 */
final class LogFile implements AutoCloseable {

  private final LoggerContext context;
  private final Path file;

  private LogFile(LoggerContext context, Path file) {
    this.context = context;
    this.file = file;
  }

  static LogFile open(Path file) throws IOException {
    Path absolute = file.toAbsolutePath();
    Files.createDirectories(absolute.getParent());
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    context.putProperty("LOG_FILE", absolute.toString());
    try {
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(LogFile.class.getResource("/logback-file.xml"));
    } catch (JoranException e) {
      throw new IOException("cannot log to " + absolute + ": " + e.getMessage(), e);
    }
    return new LogFile(context, absolute);
  }

  Path path() {
    return file;
  }

  @Override
  public void close() {
    context.reset();
    try {
      new ContextInitializer(context).autoConfig();
    } catch (JoranException e) {
      // Logging is back to logback's defaults (the console): nothing is lost.
      System.err.println("meshscope: could not restore the logging configuration: " + e.getMessage());
    }
  }
}
