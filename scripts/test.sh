#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine, then run the whole suite.
#   Debian packages: chromium (real-browser tests), fonts for Vietnamese, bubblewrap (grading sandbox),
#   postgresql (the classroom store on a real server), nodejs + npm (axe-core for the accessibility tests,
#   configurable-http-proxy for the real-JupyterHub test)
#   then the checks (scripts/lint.sh: ruff and mypy) and the suite
#   .venv/: hocvuso (editable) with its [test] extra — see scripts/_setup.sh (PYTHON= picks the interpreter)
# Extra arguments go to pytest, e.g.  bash scripts/test.sh -k scoring
set -euo pipefail
cd "$(dirname "$0")/.."
HV_SCRIPT=scripts/test.sh
source scripts/_setup.sh

hv_debs chromium fonts-noto-core bubblewrap postgresql
command -v npm >/dev/null 2>&1 || hv_debs nodejs npm
hv_python
hv_install test

# axe-core (accessibility tests) and configurable-http-proxy (the JupyterHub test), pinned by tests/js/package-lock.json (again only when the lock changed).
if [ ! tests/js/node_modules/.package-lock.json -nt tests/js/package-lock.json ]; then
  echo "== installing axe-core and configurable-http-proxy (npm ci --prefix tests/js)"
  npm ci --prefix tests/js --no-audit --no-fund >>"$HV_LOG" 2>&1 \
    || hv_fail "npm ci --prefix tests/js" "The lines above say why (often: no network to the npm registry)."
fi

# The house's checks first (ruff, mypy): a few seconds, and a broken rule fails before a 20-minute run.
HV_PY="$HV_PY" bash scripts/lint.sh \
  || { echo "!! $HV_SCRIPT: the checks failed. Fix what ruff or mypy names above (rules in pyproject.toml)." >&2; exit 1; }

echo "== running the test suite with $HV_PY"
exec "$HV_PY" -m pytest "$@"
