#!/usr/bin/env bash
# Installs everything Account Timeline needs to build, test and run on Debian 12 (bookworm).
# Non-interactive and idempotent: run it as root as often as you like.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

packages=(
  build-essential cmake ninja-build pkg-config ccache git
  librdkafka-dev            # Kafka client (C and C++ APIs), 2.0.2
  libprotobuf-dev protobuf-compiler
  librocksdb-dev
  libssl-dev                # SHA-256 for the hash chain
  catch2                    # 2.13
  libcli11-dev libspdlog-dev libfmt-dev
  libcpp-httplib-dev
  clang-format clang-tidy shellcheck   # deploy/lint.sh: the style the tools hold
  openjdk-17-jre-headless maven   # the local Kafka broker, resolved from Maven Central
  python3 netcat-openbsd curl
  openssl                   # the TLS test makes a self-signed certificate
  python3-protobuf          # 3.21 like protoc: deploy/proto_compat.py, examples/python/
  python3-venv              # .venv-python, below
  wrk                       # query latency under load (BENCHMARKS.md)
  nodejs                    # deploy/web: Chart.js for the dashboard, playwright-core for its test
  chromium                  # the dashboard's browser test (tests/browser/), headless
  clang libclang-rt-14-dev  # deploy/fuzz.sh: libFuzzer and clang's sanitizer runtimes (14)
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

# examples/python/ use a Kafka client from PyPI (not ours), pinned, in a project-local venv; it
# sees Debian's python3-protobuf, which matches protoc. Debian's python3 on purpose: another
# python3 first on PATH would not see python3-protobuf.
kafka_client="confluent-kafka==2.16.1"
venv="$root/.venv-python"
if ! "$venv/bin/pip" freeze 2>/dev/null | grep -qx "$kafka_client"; then
  echo "setup.sh: installing $kafka_client into $venv"
  /usr/bin/python3 -m venv --system-site-packages "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "$kafka_client"
fi

# The dashboard's chart library (served by `timeline serve`) and the browser test's driver, from
# the npm registry, pinned by deploy/web/package-lock.json. Debian ships npm apart from nodejs
# (NodeSource's nodejs includes it, and conflicts with Debian's npm), so it is added only when
# missing. npm ci replaces node_modules, so it runs only when the lock changed since the last
# install (a copy of the lock installed is kept in node_modules).
if ! command -v npm >/dev/null; then
  echo "setup.sh: installing npm"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm
fi
web="$root/deploy/web"
if ! cmp -s "$web/package-lock.json" "$web/node_modules/.installed-package-lock.json"; then
  echo "setup.sh: installing deploy/web's packages (npm ci)"
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$web/package-lock.json" "$web/node_modules/.installed-package-lock.json"
else
  echo "setup.sh: deploy/web's packages match package-lock.json"
fi
