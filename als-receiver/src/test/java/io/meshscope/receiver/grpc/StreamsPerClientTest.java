package io.meshscope.receiver.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StreamsPerClientTest {

  @Test
  void eachClientHasItsOwnShareAndGetsItBackAsStreamsClose() {
    StreamsPerClient streams = new StreamsPerClient(2);
    assertTrue(streams.tryOpen("spiffe://cluster.local/ns/a/sa/x"));
    assertTrue(streams.tryOpen("spiffe://cluster.local/ns/a/sa/x"));
    assertFalse(streams.tryOpen("spiffe://cluster.local/ns/a/sa/x"), "a third stream is over the share");
    assertEquals(2, streams.open("spiffe://cluster.local/ns/a/sa/x"), "a refusal counts nothing");
    assertTrue(streams.tryOpen("10.44.0.12"), "another client is not affected");
    streams.close("spiffe://cluster.local/ns/a/sa/x");
    assertTrue(streams.tryOpen("spiffe://cluster.local/ns/a/sa/x"));
    streams.close("spiffe://cluster.local/ns/a/sa/x");
    streams.close("spiffe://cluster.local/ns/a/sa/x");
    streams.close("10.44.0.12");
    assertEquals(0, streams.clients(), "a client with no stream is forgotten: the map does not grow with churn");
  }
}
