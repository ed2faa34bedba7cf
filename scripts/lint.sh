#!/usr/bin/env bash
# The house's checks: ruff (rules in pyproject.toml) and mypy on the package, with the tools of .venv/
# (made by scripts/test.sh). .ci/run calls this before the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${HV_PY:-.venv/bin/python}
echo "== ruff"
"$PY" -m ruff check core grader classroom widgets contest handin hocvuso bench scripts tests
echo "== mypy"
"$PY" scripts/typecheck.py
