#!/usr/bin/env bash
# The house's checks: ruff (rules in pyproject.toml) and mypy on the package, with the tools of .venv/
# (made by scripts/test.sh, which runs this before the suite — so CI does too).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${HV_PY:-.venv/bin/python}
case "$PY" in /*) ;; *) PY="$PWD/$PY" ;; esac
echo "== ruff"
"$PY" -m ruff check core grader classroom widgets contest handin hocvuso bench scripts tests
echo "== mypy"
"$PY" scripts/typecheck.py
