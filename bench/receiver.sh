#!/usr/bin/env bash
# Receiver throughput against Kafka's ProducerPerformance, measured in the same run.
# Usage: bench/receiver.sh [--records N] [--warmup-seconds S] [--profile] [--out DIR]
#   --records N          records measured after warm-up (default 3,000,000)
#   --warmup-seconds S   warm-up before measuring (default 45)
#   --profile            record the receiver with JFR and print its hot methods
#   --out DIR            where results go (default bench/results)
# Extra JVM options: BENCH_RECEIVER_JVM_OPTS (receiver), BENCH_SIMULATE_JVM_OPTS (load generator).
set -euo pipefail
. "$(dirname "$0")/bench-main.sh"
bench_main 1g ReceiverBenchmark "$@"
