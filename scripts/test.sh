#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine, then run the whole suite.
#   Debian packages: chromium (real-browser tests), fonts for Vietnamese, bubblewrap (grading sandbox)
#   pip: hocvuso itself (editable) with its [test] extra
# Extra arguments go to pytest, e.g.  bash scripts/test.sh -k scoring
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
debs=(chromium fonts-noto-core bubblewrap postgresql)
missing=()
for pkg in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "== installing hocvuso and its test dependencies"
$PY -m pip install -q --disable-pip-version-check -e ".[test]" 2>&1 | grep -v -E "^(WARNING: (Running pip as|Location))" || true
$PY -c "import hocvuso.widgets, hocvuso.grader" # fail early with a clear import error

echo "== running the test suite"
exec $PY -m pytest "$@"
