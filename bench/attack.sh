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
case " $* " in
  *" --help "*|*" -h "*) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
cd "$(dirname "$0")/.."
echo "bench: building (mvn -Pbench package)..." >&2
mvn -B -q -Pbench -DskipTests -DskipITs install >/tmp/meshscope-bench-build.log 2>&1 || { tail -40 /tmp/meshscope-bench-build.log; exit 1; }
exec java -Xmx1g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.meshscope.bench.AttackBenchmark "$@"
