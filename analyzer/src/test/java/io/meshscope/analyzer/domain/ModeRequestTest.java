package io.meshscope.analyzer.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ModeRequestTest {
  private static final ModeRequest ADAPTIVE = new ModeRequest("annotation", "adaptive");
  private static final ModeRequest RECOMMEND = new ModeRequest("label", "recommend");
  private static final ModeRequest OFF = new ModeRequest("label", "off");

  @Test
  void everyPodAskingTheSameNamesTheModeAndWhereItCameFrom() {
    ModeRequest.Decision d = ModeRequest.decide(Arrays.asList(ADAPTIVE, ADAPTIVE, ADAPTIVE));
    assertEquals("adaptive", d.mode());
    assertEquals("annotation sidecar.meshscope.io/mode=adaptive on 3 of 3 pods", d.source());
  }

  @Test
  void whenPodsDisagreeTheModeThatRestrictsLessWins() {
    // A rollout from recommend to adaptive: the new pod must not run under a recommend Sidecar.
    assertEquals("adaptive", ModeRequest.decide(Arrays.asList(RECOMMEND, ADAPTIVE, null)).mode());
    ModeRequest.Decision d = ModeRequest.decide(Arrays.asList(RECOMMEND, OFF, ADAPTIVE));
    assertEquals("off", d.mode());
    assertEquals("label sidecar.meshscope.io/mode=off on 1 of 3 pods; 1 ask for adaptive, and the mode that"
        + " restricts less wins; 1 ask for recommend, and the mode that restricts less wins", d.source());
  }

  @Test
  void anInvalidValueIsIgnoredVisiblyAndTheConfigDecides() {
    ModeRequest.Decision d = ModeRequest.decide(Arrays.asList(new ModeRequest("annotation", "adaptiv"), null));
    assertNull(d.mode());
    assertEquals("ignored sidecar.meshscope.io/mode annotation 'adaptiv': must be adaptive, recommend or off",
        d.source());
    assertEquals(ModeRequest.Decision.NONE, ModeRequest.decide(Arrays.asList(null, null)));
  }

  @Test
  void theFallbackProxyIsAlwaysOff() {
    assertEquals("off", ModeRequest.decide(Arrays.asList(ADAPTIVE, ModeRequest.FALLBACK_PROXY)).mode());
  }
}
