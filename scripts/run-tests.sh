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
# Independent suites use every core: fuzz targets run side by side, pytest runs its tests
# in that many pytest-xdist workers (each with its own servers on its own ports).
parallel=${CORVID_TEST_JOBS:-$(nproc)}

# Leak checking stays on; the server must free everything at shutdown.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

echo "== unit tests (GoogleTest under ASan/UBSan)"
ctest --test-dir "$test_build" --output-on-failure -j 2 || failed+=(unit)

echo "== fuzzing (${fuzz_seconds}s per target, ${parallel} at a time, starting from fuzz/corpus/<target>)"
# One fuzz run; its verdict goes to $status_dir/<name> and its output to stdout (captured).
fuzz_one() {
  local name=$1 target="$fuzz_build/$1" corpus="$repo/fuzz/corpus/${1%_fuzz}"
  if [ ! -x "$target" ]; then
    echo "$name: NOT BUILT ($target missing)"; echo failed > "$status_dir/$name"; return
  fi
  if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then
    echo "$name: no seed corpus in $corpus"; echo failed > "$status_dir/$name"; return
  fi
  # The run works on a copy: the repository's corpus changes only when someone merges
  # new inputs into it on purpose (see fuzz/README.md).
  local work
  work=$(mktemp -d)
  cp -r "$corpus"/. "$work"/
  if "$target" -max_total_time="$fuzz_seconds" -print_final_stats=0 "$work" > "$work.log" 2>&1; then
    echo "$name: ok ($(ls "$corpus" | wc -l) seeds, $(ls "$work" | wc -l) inputs after the run)"
    echo ok > "$status_dir/$name"
  else
    echo "$name: FAILED"; tail -50 "$work.log"; echo failed > "$status_dir/$name"
  fi
  rm -rf "$work" "$work.log"
}
# Every fuzz/*_fuzz.cc must have been built: a target that failed to build (or a build
# directory without any) fails the run instead of silently fuzzing nothing. Targets run
# $parallel at a time (one per core); each one's output is printed whole when it ends.
status_dir=$(mktemp -d)
for source in "$repo"/fuzz/*_fuzz.cc; do
  while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n; done
  name=$(basename "$source" .cc)
  ( out=$(fuzz_one "$name"); echo "$out" ) &
done
wait
for source in "$repo"/fuzz/*_fuzz.cc; do
  name=$(basename "$source" .cc)
  [ "$(cat "$status_dir/$name" 2>/dev/null)" = ok ] || failed+=("$name")
done
rm -rf "$status_dir"

echo "== integration and differential tests (pytest, against redis-server $(redis-server --version | grep -o 'v=[0-9.]*'))"
CORVID_SERVER="$repo/$test_build/corvid-server" /usr/bin/python3 -m pytest -q -ra -n "$parallel" || failed+=(pytest)

if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all test suites passed"
