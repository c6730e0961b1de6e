#!/usr/bin/env bash
# Fuzzes the parsers of untrusted bytes with Jazzer (issue 17): every @FuzzTest method of every
# *FuzzTest class, one at a time (Jazzer fuzzes one method per JVM), each for the time its
# @FuzzTest(maxDuration) gives, 10 minutes today. Without JAZZER_FUZZ, `mvn verify` runs the same
# targets on their committed inputs only (src/test/resources/**/<Test>Inputs/<method>/).
# Usage: bench/fuzz.sh [CLASS_PATTERN]   (a grep pattern on class names; default: every *FuzzTest)
# A finding is written as crash-<hash> next to the target's inputs: commit it with the fix. Logs go
# to bench/results/fuzz/<Class>.<method>.log; a summary line per target is printed.
set -euo pipefail
case " $* " in
  *" --help "*|*" -h "*) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
cd "$(dirname "$0")/.."
pattern=${1:-FuzzTest}
logs=bench/results/fuzz
mkdir -p "$logs"
echo "fuzz: building (mvn install -DskipTests)..." >&2
mvn -B -q -DskipTests -DskipITs install >"$logs/build.log" 2>&1 || { tail -40 "$logs/build.log"; exit 1; }
status=0
for file in $(find . -path '*/src/test/java/*' -name '*FuzzTest.java' -not -path './bench/*' | sort); do
  class=$(basename "$file" .java)
  grep -q -- "$pattern" <<<"$class" || continue
  module=${file#./}
  module=${module%%/*}
  for method in $(grep -A1 '@FuzzTest' "$file" | sed -n 's/.*void \([A-Za-z0-9_]*\)(.*/\1/p'); do
    log="$logs/$class.$method.log"
    echo "fuzz: $module $class#$method ($(date -u +%H:%M:%S) UTC)" >&2
    if (cd "$module" && JAZZER_FUZZ=1 mvn -B -DskipITs -Djacoco.skip=true -Dtest="$class#$method" \
        -Dsurefire.failIfNoSpecifiedTests=false test) >"$log" 2>&1; then
      result=ok
    else
      result="FINDING or failure (see $log)"
      status=1
    fi
    done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)
    echo "  $class#$method: $result; ${done_line:-no libFuzzer summary}"
  done
done
exit $status
