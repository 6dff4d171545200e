#!/usr/bin/env bash
# Runs every test: unit tests (CTest), integration and differential tests (pytest),
# and a short run of each fuzz target. Usage: run-tests.sh TEST_BUILD_DIR FUZZ_BUILD_DIR FUZZ_SECONDS
set -uo pipefail

test_build=${1:-build/asan}
fuzz_build=${2:-build/fuzz}
fuzz_seconds=${3:-30}
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

failed=()

# Leak checking stays on; the server must free everything at shutdown.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

echo "== unit tests (GoogleTest under ASan/UBSan)"
ctest --test-dir "$test_build" --output-on-failure -j 2 || failed+=(unit)

echo "== fuzzing (${fuzz_seconds}s per target, starting from fuzz/corpus/<target>)"
# Every fuzz/*_fuzz.cc must have been built: a target that failed to build (or a build
# directory without any) fails the run instead of silently fuzzing nothing.
for source in "$repo"/fuzz/*_fuzz.cc; do
  name=$(basename "$source" .cc)
  target="$fuzz_build/$name"
  if [ ! -x "$target" ]; then
    echo "$name: NOT BUILT ($target missing)"; failed+=("$name"); continue
  fi
  corpus="$repo/fuzz/corpus/${name%_fuzz}"
  if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then
    echo "$name: no seed corpus in $corpus"; failed+=("$name"); continue
  fi
  # The run works on a copy: the repository's corpus changes only when someone merges
  # new inputs into it on purpose (see fuzz/README.md).
  work=$(mktemp -d)
  cp -r "$corpus"/. "$work"/
  if "$target" -max_total_time="$fuzz_seconds" -print_final_stats=0 "$work" > "$work.log" 2>&1; then
    echo "$name: ok ($(ls "$corpus" | wc -l) seeds, $(ls "$work" | wc -l) inputs after the run)"
  else
    echo "$name: FAILED"; tail -50 "$work.log"; failed+=("$name")
  fi
  rm -rf "$work" "$work.log"
done

echo "== integration and differential tests (pytest, against redis-server $(redis-server --version | grep -o 'v=[0-9.]*'))"
CORVID_SERVER="$repo/$test_build/corvid-server" /usr/bin/python3 -m pytest -q -ra || failed+=(pytest)

if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all test suites passed"
