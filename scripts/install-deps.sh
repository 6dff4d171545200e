#!/usr/bin/env bash
# Installs every Debian package Corvid needs to build, test and benchmark.
# Usage: install-deps.sh [build|test]. Idempotent: does nothing when everything is already present.
set -euo pipefail

# "build" is enough to build and run the server; "test" adds the oracle
# (Debian's redis-server 7.0.15), the test frameworks and the tools the tests drive.
build_packages=(build-essential g++ cmake ninja-build pkg-config libjemalloc-dev libxxhash-dev liblzf-dev libssl-dev
  liblua5.1-0-dev lua-cjson-dev lua-bitop-dev)
test_packages=(
  libgtest-dev libgmock-dev clang libclang-rt-14-dev
  redis-server redis-tools python3 python3-redis python3-pytest python3-pytest-xdist
  prometheus-redis-exporter openssl
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

# Debian starts redis-server as a service on 6379 when it is installed. We install it
# only as the tests' oracle (they start their own instances on free ports), and a
# service holding 6379 would keep `make run` from binding; so when this script installed
# it, it also stops and disables that service. A redis-server installed before is left alone.
for p in "${missing[@]}"; do
  if [ "$p" = redis-server ] && [ -d /run/systemd/system ]; then
    "${sudo_cmd[@]}" systemctl disable --now redis-server >/dev/null 2>&1 || true
  fi
done
