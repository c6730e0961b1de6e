#!/usr/bin/env bash
# Analyzer throughput on a pre-filled topic against a plain deserializing consumer, in the same run.
# Usage: bench/analyzer.sh [--records N] [--workloads N] [--fan-out N] [--profile] [--out DIR] [--streams-property KEY=VALUE]
set -euo pipefail
cd "$(dirname "$0")/.."
echo "bench: building (mvn -Pbench package)..." >&2
mvn -B -q -Pbench -DskipTests -DskipITs install >/tmp/meshscope-bench-build.log 2>&1 || { tail -40 /tmp/meshscope-bench-build.log; exit 1; }
exec java -Xmx2g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.meshscope.bench.AnalyzerBenchmark "$@"
