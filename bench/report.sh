#!/usr/bin/env bash
# The mesh report on a synthetic mesh, against deserializing the same graph and Sidecar records (the
# least any reader of the topics pays), in the same run, warm (medians after warm-up runs).
# Usage: bench/report.sh [--workloads N] [--namespaces N] [--fan-out N] [--runs N]
#   --workloads N    workloads (default 5,000)
#   --namespaces N   namespaces they are spread over (default 100)
#   --fan-out N      services each calls (default 10)
#   --runs N         measured runs (default 15)
set -euo pipefail
. "$(dirname "$0")/bench-main.sh"
bench_main 2g ReportBenchmark "$@"
