#!/usr/bin/env bash
# Learning latency of adaptive mode (issue 18): how long a new dependency takes from the first
# access-log entry to the graph on meshscope.dependency-graphs, the Sidecar on meshscope.sidecars and
# the Sidecar file, for a new host called through the fallback and for a blocked call (the urgent
# path), under steady background traffic; p50/p99/max per path against the goals.
# Usage: bench/latency.sh [--trials N] [--rate N] [--commit-ms N] [--debounce 60s] [--out DIR]
#   --trials N      trials per path (default 100)
#   --rate N        background entries per second from a synthetic mesh (default 5,000)
#   --commit-ms N   the analyzer's commit interval (default: the analyzer's own default)
#   --debounce D    the generator's debounce (default 60s, its production default)
#   --out DIR       where latency-latest.txt goes (default bench/results)
set -euo pipefail
. "$(dirname "$0")/bench-main.sh"
bench_main 2g LatencyBenchmark "$@"
