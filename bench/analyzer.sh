#!/usr/bin/env bash
# Analyzer throughput on a pre-filled topic against a plain deserializing consumer, in the same run.
# Usage: bench/analyzer.sh [--records N] [--workloads N] [--fan-out N] [--profile] [--out DIR] [--streams-property KEY=VALUE]
#   --records N          records pre-filled and read (default 2,000,000; 6,000,000 for a steady-state second half)
#   --workloads N        calling workloads (default 5,000)
#   --fan-out N          callees per workload (default 10)
#   --profile            record the analyzer with JFR and print its hot methods
#   --out DIR            where results go (default bench/results)
#   --streams-property K=V   a Kafka Streams override for the analyzer (repeatable)
# Extra JVM options for the analyzer: BENCH_ANALYZER_JVM_OPTS.
set -euo pipefail
. "$(dirname "$0")/bench-main.sh"
bench_main 2g AnalyzerBenchmark "$@"
