#!/usr/bin/env bash
# Installs every Debian package Corvid needs to build, test and benchmark.
# Usage: install-deps.sh [build|test]. Idempotent: does nothing when everything is already present.
set -euo pipefail

# "build" is enough to build and run the server; "test" adds the oracle
# (Debian's redis-server 7.0.15), the test frameworks and the tools the tests drive.
build_packages=(build-essential g++ cmake ninja-build pkg-config libjemalloc-dev libxxhash-dev)
test_packages=(
  libgtest-dev libgmock-dev clang libclang-rt-14-dev
  redis-server redis-tools python3 python3-redis python3-pytest
  prometheus-redis-exporter
)
packages=("${build_packages[@]}")
[ "${1:-build}" = test ] && packages+=("${test_packages[@]}")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
