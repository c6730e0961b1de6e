#!/usr/bin/env bash
# Faults while traffic flows (issue 16): for each scenario, a broker, a receiver and an analyzer run
# as separate processes; numbered entries flow at a fixed rate; one fault is injected; then every
# entry is counted: sent, dropped on the Envoy side, on Kafka, twice on Kafka, lost, in the graphs.
# Usage: bench/faults.sh [--rate N] [--proxies N] [--seconds N] [--max-inflight-records N] [--seed N]
#                        [--broker-down-seconds N (default 30)]
#                        [--only REGEX] [--out DIR]
#   --rate N       entries per second in all (default 2,000)
#   --seconds N    traffic per scenario; the fault comes a third of the way in (default 60)
#   --only REGEX   scenarios whose name matches: none, broker-down, broker-frozen, receiver-sigterm,
#                  receiver-sigkill, analyzer-sigkill-3x, analyzer-sigkill-empty, analyzer-two-one-killed,
#                  generator-sigkill-3x, disks-full, generator-read-only (these two mount tmpfs: root only)
# The table goes to stdout and to bench/results/faults.md; each stage's log stays in a temp directory.
set -euo pipefail
. "$(dirname "$0")/bench-main.sh"
bench_main 1g FaultBenchmark "$@"
