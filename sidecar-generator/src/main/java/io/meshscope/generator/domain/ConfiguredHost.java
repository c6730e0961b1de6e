package io.meshscope.generator.domain;

import io.meshscope.schemas.SafeText;
import io.meshscope.schemas.Hosts;
import java.util.Optional;

/**
 * A host from the configuration (a default, pinned or excluded host). Two forms: a bare host such as
 * {@code api.example.com} or {@code ratings.bookinfo.svc.cluster.local}, mapped per workload the same
 * way as a learned host; or an explicit {@code namespace/host} entry such as {@code istio-system/*},
 * taken as written (see {@link EgressHost} for what it may hold).
 *
 * @param text as configured
 * @param explicit the entry when written as {@code namespace/host}, null for a bare host
 */
record ConfiguredHost(String text, EgressHost explicit) {

  /** Reads one configured host; {@code setting} names it in the error. */
  static ConfiguredHost parse(String setting, String text) {
    if (text == null || text.isEmpty()) {
      throw new InvalidConfigException(setting, "must not be empty");
    }
    if (text.indexOf('/') >= 0) {
      Optional<String> problem = EgressHost.problem(text);
      if (problem.isPresent()) {
        throw new InvalidConfigException(setting, problem.get());
      }
      return new ConfiguredHost(text, EgressHost.parse(text));
    }
    Optional<Hosts.Problem> problem = Hosts.problem(text);
    if (problem.isPresent()) {
      throw new InvalidConfigException(setting, SafeText.quoted(text) + " is not a valid host ("
          + problem.get().label() + "); write a lower-case DNS name such as api.example.com, *.example.com,"
          + " or namespace/host such as istio-system/*");
    }
    return new ConfiguredHost(text, null);
  }

  EgressHost resolve(String sidecarNamespace, EgressHostMapper mapper) {
    if (explicit != null) {
      return explicit;
    }
    // parse() accepted the host, so the mapper cannot refuse it.
    return mapper.map(sidecarNamespace, text).orElseThrow();
  }

  @Override
  public String toString() {
    return text;
  }
}
