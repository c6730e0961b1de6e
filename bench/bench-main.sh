# Sourced by the bench scripts, not run: `bench_main HEAP CLASS "$@"` prints the calling script's
# header comment on --help, else builds the bench module (Maven profile bench) and runs
# io.meshscope.bench.CLASS with the script's arguments.
bench_main() {
  local heap=$1 class=$2
  shift 2
  case " $* " in
    *" --help "*|*" -h "*) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
  esac
  cd "$(dirname "$0")/.."
  echo "bench: building (mvn -Pbench install)..." >&2
  mvn -B -q -Pbench -DskipTests -DskipITs install >/tmp/meshscope-bench-build.log 2>&1 \
    || { tail -40 /tmp/meshscope-bench-build.log; exit 1; }
  exec java -Xmx"$heap" -cp "bench/target/classes:$(cat bench/target/classpath.txt)" "io.meshscope.bench.$class" "$@"
}
