package io.meshscope.analyzer.streams;

/**
 * Every topology test again with the access-log partition count unknown, so that every observation
 * takes the repartition topic: both paths must give the same graphs.
 */
class EveryObservationRepartitionedTest extends AnalyzerTopologyTest {

  @Override
  int accessLogPartitions() {
    return 0;
  }
}
