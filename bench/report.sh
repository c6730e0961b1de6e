#!/usr/bin/env bash
# The mesh report on a synthetic mesh, against deserializing the same graph and Sidecar records (the
# least any reader of the topics pays), in the same run, warm (medians after warm-up runs).
# Usage: bench/report.sh [--workloads N] [--namespaces N] [--fan-out N] [--runs N]
#   --workloads N    workloads (default 5,000)
#   --namespaces N   namespaces they are spread over (default 100)
#   --fan-out N      services each calls (default 10)
#   --runs N         measured runs (default 15)
set -euo pipefail
case " $* " in
  *" --help "*|*" -h "*) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
cd "$(dirname "$0")/.."
echo "bench: building (mvn -Pbench package)..." >&2
mvn -B -q -Pbench -DskipTests -DskipITs install >/tmp/meshscope-bench-build.log 2>&1 || { tail -40 /tmp/meshscope-bench-build.log; exit 1; }
exec java -Xmx2g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.meshscope.bench.ReportBenchmark "$@"
