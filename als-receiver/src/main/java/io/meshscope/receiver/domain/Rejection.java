package io.meshscope.receiver.domain;

import java.util.Locale;

/**
 * Why the receiver refused a message, a stream's identity, or one field of an entry. Every rejection
 * is counted by reason ({@code meshscope_receiver_rejected_total{reason}}) and logged; a refused
 * field is removed from the record and named in its {@code flags}, the rest of the entry still
 * travels on.
 */
public enum Rejection {
  /** A gRPC message larger than the configured limit; the stream is closed. */
  MESSAGE_TOO_LARGE,
  /** A gRPC message that started and did not finish arriving within the time limit; the stream is closed. */
  SLOW_MESSAGE,
  /** A stream over the number one client may keep open; refused before it is read. */
  TOO_MANY_STREAMS,
  /** Bytes that do not parse as a StreamAccessLogsMessage (including invalid UTF-8); the stream is closed. */
  MALFORMED_PROTOBUF,
  /** A message with neither HTTP nor TCP entries. */
  EMPTY_MESSAGE,
  /** Entries on a stream whose first message carried no identifier. */
  NO_IDENTITY,
  /** An identifier whose namespace or workload name is not a Kubernetes name. */
  INVALID_IDENTITY,
  /**
   * An identifier whose namespace or service account differs from the client certificate's SPIFFE
   * ID, or whose certificate's trust domain is not allowed ({@link IdentityBinding}).
   */
  IDENTITY_MISMATCH,
  /** An authority longer than any host and port can be (a DNS name is at most 253 characters). */
  AUTHORITY_TOO_LONG,
  /** Peer metadata in filter state that claims a known type but does not decode. */
  MALFORMED_PEER_METADATA,
  /** A header or field value with control characters. */
  CONTROL_CHARACTERS,
  /** A field value longer than the receiver keeps. */
  FIELD_TOO_LONG;

  /** The Prometheus label value. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
