#!/usr/bin/env bash
# Resource attacks on the receiver (issue 17): while Envoy-like streams send at a fixed rate, each
# attack runs for one phase; the others' throughput per phase is printed as a ratio to a phase
# without attack in the same run, with the receiver's peak heap (-Xmx256m, as deployed).
# Usage: bench/attack.sh [--phase-seconds S] [--rate N] [--idle-streams N] [--out DIR]
#   --phase-seconds S   length of each phase (default 20)
#   --rate N            the others' entries per second (default 20,000)
#   --idle-streams N    streams that open and never send (default 10,000)
#   --out DIR           where attack-latest.txt goes (default bench/results)
set -euo pipefail
. "$(dirname "$0")/bench-main.sh"
bench_main 1g AttackBenchmark "$@"
