#!/usr/bin/env bash
# Install hocvuso into .venv/ (once; again only when pyproject.toml changes) and serve the lessons on the LAN.
# Options go to `hocvuso serve` (see `hocvuso serve --help`); PYTHON= picks the interpreter (scripts/_setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
HV_SCRIPT=scripts/serve.sh
source scripts/_setup.sh

hv_python
hv_install ""

exec "$HV_PY" -m hocvuso serve "$@"
