package io.meshscope.receiver.domain;

import io.meshscope.schemas.Reporter;
import java.util.List;

/**
 * What a stream's first message said about the proxy: applied to every entry of the stream.
 *
 * @param reporter the proxy, or null when the identifier was missing or refused
 * @param rejections why it was refused, or field-level refusals inside an accepted identity
 */
public record StreamIdentity(Reporter reporter, String logName, List<Rejection> rejections) {

  public static final StreamIdentity NONE = new StreamIdentity(null, null, List.of(Rejection.NO_IDENTITY));

  public StreamIdentity {
    rejections = List.copyOf(rejections);
  }

  public boolean known() {
    return reporter != null;
  }
}
