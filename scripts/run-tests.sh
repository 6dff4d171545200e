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
CORVID_TEST_JOBS=$parallel scripts/run-fuzz.sh "$fuzz_build" "$fuzz_seconds" || failed+=(fuzz)

echo "== integration and differential tests (pytest, against redis-server $(redis-server --version | grep -o 'v=[0-9.]*'))"
CORVID_SERVER="$repo/$test_build/corvid-server" /usr/bin/python3 -m pytest -q -ra -n "$parallel" || failed+=(pytest)

if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all test suites passed"
