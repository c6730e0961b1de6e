package io.meshscope.cli;

import io.meshscope.client.replay.CapturedMessages;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
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

  @Override
  public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) throws Exception {
    String message = message(e);
    if (message == null) {
      throw e;
    }
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
