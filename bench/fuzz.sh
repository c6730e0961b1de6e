#!/usr/bin/env bash
# Fuzzes the parsers of untrusted bytes with Jazzer (issue 17), each target for the time its
# @FuzzTest(maxDuration) gives. Without JAZZER_FUZZ, `mvn verify` runs the same targets on their
# committed inputs only (src/test/resources/**/<Test>Inputs/<method>/), as regression tests.
# Usage: bench/fuzz.sh [TEST_PATTERN]   (default: every *FuzzTest)
# A finding is written as crash-<hash> next to the inputs: commit it with the fix.
set -euo pipefail
case " $* " in
  *" --help "*|*" -h "*) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
cd "$(dirname "$0")/.."
pattern=${1:-*FuzzTest}
echo "fuzz: building, then fuzzing $pattern (Jazzer; findings go to the test's Inputs folder)" >&2
JAZZER_FUZZ=1 mvn -B -DskipITs -Dtest="$pattern" -Dsurefire.failIfNoSpecifiedTests=false test
