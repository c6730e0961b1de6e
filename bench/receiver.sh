#!/usr/bin/env bash
# Receiver throughput against Kafka's ProducerPerformance, measured in the same run.
# Usage: bench/receiver.sh [--records N] [--warmup-seconds S] [--profile] [--out DIR]
#   --records N          records measured after warm-up (default 3,000,000)
#   --warmup-seconds S   warm-up before measuring (default 45)
#   --profile            record the receiver with JFR and print its hot methods
#   --out DIR            where results go (default bench/results)
# Extra JVM options: BENCH_RECEIVER_JVM_OPTS (receiver), BENCH_SIMULATE_JVM_OPTS (load generator).
set -euo pipefail
case " $* " in
  *" --help "*|*" -h "*) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
cd "$(dirname "$0")/.."
echo "bench: building (mvn -Pbench package)..." >&2
mvn -B -q -Pbench -DskipTests -DskipITs install >/tmp/meshscope-bench-build.log 2>&1 || { tail -40 /tmp/meshscope-bench-build.log; exit 1; }
exec java -Xmx1g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.meshscope.bench.ReceiverBenchmark "$@"
