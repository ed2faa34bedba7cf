#!/usr/bin/env bash
# Install hocvuso and serve the bundled lesson through Voilà; prints the address to open.
# Options go to `hocvuso serve` (see `hocvuso serve --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
$PY -m pip install -q --disable-pip-version-check -e . 2>&1 | grep -v -E "^(WARNING: (Running pip as|Location))" || true
exec $PY -m hocvuso serve "$@"
