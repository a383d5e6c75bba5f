#!/usr/bin/env bash
# Configures and builds Account Timeline into build/ (Ninja, ccache when present, -j2).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTIMELINE_WERROR=ON >/dev/null
cmake --build "$root/build" -j "${TIMELINE_BUILD_JOBS:-2}"
