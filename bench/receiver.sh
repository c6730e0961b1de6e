#!/usr/bin/env bash
# Receiver throughput against Kafka's ProducerPerformance, measured in the same run.
# Usage: bench/receiver.sh [--records N] [--warmup-seconds S] [--profile]
set -euo pipefail
cd "$(dirname "$0")/.."
echo "bench: building (mvn -Pbench package)..." >&2
mvn -B -q -Pbench -DskipTests -DskipITs install >/tmp/meshscope-bench-build.log 2>&1 || { tail -40 /tmp/meshscope-bench-build.log; exit 1; }
exec java -Xmx1g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.meshscope.bench.ReceiverBenchmark "$@"
