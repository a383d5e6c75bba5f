#!/usr/bin/env bash
# Installs everything Account Timeline needs to build, test and run on Debian 12 (bookworm).
# Non-interactive and idempotent: run it as root as often as you like.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache git
  librdkafka-dev            # Kafka client (C and C++ APIs), 2.0.2
  libprotobuf-dev protobuf-compiler
  librocksdb-dev
  libssl-dev                # SHA-256 for the hash chain
  catch2                    # 2.13
  libcli11-dev libspdlog-dev libfmt-dev
  libcpp-httplib-dev
  openjdk-17-jre-headless maven   # the local Kafka broker, resolved from Maven Central
  python3 netcat-openbsd curl
  wrk                       # query latency under load (BENCHMARKS.md)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup.sh: these packages are missing and installing them needs root: ${missing[*]}" >&2
    exit 1
  fi
  echo "setup.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup.sh: every package is already installed"
fi
