#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine, then run the whole suite.
#   Debian packages: chromium (real-browser tests), fonts for Vietnamese, bubblewrap (grading sandbox),
#   postgresql (the classroom store on a real server)
#   .venv/: hocvuso (editable) with its [test] extra — see scripts/_setup.sh (PYTHON= picks the interpreter)
# Extra arguments go to pytest, e.g.  bash scripts/test.sh -k scoring
set -euo pipefail
cd "$(dirname "$0")/.."
HV_SCRIPT=scripts/test.sh
source scripts/_setup.sh

hv_debs chromium fonts-noto-core bubblewrap postgresql
hv_python
hv_install test

echo "== running the test suite with $HV_PY"
exec "$HV_PY" -m pytest "$@"
