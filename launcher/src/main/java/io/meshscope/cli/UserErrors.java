package io.meshscope.cli;

import io.meshscope.client.replay.CapturedMessages;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Errors the user can fix (a bad setting, a config file that is missing or invalid, an unreadable
 * capture) are one line naming the command, and exit code 2, as a bad flag is: a stack trace
 * would bury the message. Anything else is a bug or an outage and keeps its stack trace.
 */
final class UserErrors implements IExecutionExceptionHandler {

  static final int EXIT = 2;
  private static final Logger log = LoggerFactory.getLogger(UserErrors.class);

  @Override
  public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) throws Exception {
    String message = message(e);
    if (message == null) {
      throw e;
    }
    // The trace stays within reach (MESHSCOPE_LOG_LEVEL=DEBUG) in case the "user's error" is ours.
    log.debug("{} failed", command.getCommandSpec().qualifiedName(), e);
    command.getErr().println(command.getCommandSpec().qualifiedName() + ": " + message);
    command.getErr().flush();
    return EXIT;
  }

  /** The one line for a user's error, or null when {@code e} is not one. */
  static String message(Throwable e) {
    if (e instanceof NoSuchFileException f) {
      return "no such file: " + f.getFile();
    }
    if (e instanceof AccessDeniedException f) {
      return "cannot read " + f.getFile() + ": permission denied";
    }
    if (e instanceof CapturedMessages.BadCaptureException || e instanceof IllegalArgumentException) {
      return e.getMessage();
    }
    return null;
  }
}
