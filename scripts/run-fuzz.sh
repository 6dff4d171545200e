#!/usr/bin/env bash
# Runs every fuzz target (fuzz/*_fuzz.cc) for a time budget, one per core at a time, each
# from a copy of its seed corpus in fuzz/corpus/<target>/. Fails if any target is missing,
# has no corpus, or finds a crash (its input is kept as crash-* in the working directory).
# Usage: run-fuzz.sh FUZZ_BUILD_DIR SECONDS_PER_TARGET
set -uo pipefail

fuzz_build=${1:-build/fuzz}
fuzz_seconds=${2:-30}
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
parallel=${CORVID_TEST_JOBS:-$(nproc)}
failed=()

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
  if "$target" -max_total_time="$fuzz_seconds" -print_final_stats=1 "$work" > "$work.log" 2>&1; then
    local runs
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work.log")
    echo "$name: ok ($(ls "$corpus" | wc -l) seeds, $(ls "$work" | wc -l) inputs after the run, ${runs:-?} executions)"
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

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing FAILED: ${failed[*]}"
  exit 1
fi
