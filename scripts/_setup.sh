# Shared by scripts/serve.sh and scripts/test.sh (sourced, not run): make the project's Python environment.
#
# Debian marks its own /usr/bin/python3 "externally managed" (PEP 668): pip refuses to install into it.
# So the scripts make a virtual environment in .venv/ (git-ignored) and install hocvuso there, editable.
#   PYTHON=/path/to/python   the interpreter to build .venv from (default: python3 on PATH); when it is
#                            itself inside a virtual environment, that environment is used as it is.
# Each step that fails stops the script with one line saying what failed and what to do; the install is
# skipped when nothing it depends on changed since the last one (.venv/.hocvuso-installed).

HV_ROOT=$(pwd)
HV_LOG="$HV_ROOT/.venv-install.log"

hv_fail() {  # hv_fail WHAT HINT: the log's last lines, one clear line, then stop
  [ -s "$HV_LOG" ] && tail -n 5 "$HV_LOG" | sed 's/^/   | /' >&2
  echo "!! $HV_SCRIPT: $1 failed. $2" >&2
  exit 1
}

hv_sudo() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

hv_debs() {  # hv_debs PKG…: install the Debian packages that are not installed yet
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "== installing Debian packages: ${missing[*]}"
  { hv_sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive hv_sudo apt-get install -y -qq \
      --no-install-recommends "${missing[@]}"; } >>"$HV_LOG" 2>&1 \
    || hv_fail "installing Debian packages (${missing[*]})" \
         "See $HV_LOG; run 'sudo apt-get install ${missing[*]}' yourself, then this command again."
}

hv_python() {  # sets HV_PY: the interpreter of the project's environment, creating .venv when needed
  local base=${PYTHON:-python3}
  command -v "$base" >/dev/null 2>&1 || hv_fail "finding Python ($base)" \
    "Install Python 3.10 or newer (sudo apt-get install python3 python3-venv) or set PYTHON=/path/to/python3."
  "$base" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
    || hv_fail "checking Python ($base is older than 3.10)" "Set PYTHON=/path/to/python3.10-or-newer."
  if "$base" -c 'import sys; sys.exit(sys.prefix == sys.base_prefix)'; then
    HV_PY=$base  # already a virtual environment (PYTHON=venv/bin/python): use it as it is
    return 0
  fi
  if [ ! -x .venv/bin/python ]; then
    echo "== creating the virtual environment .venv/ (from $base)"
    rm -rf .venv
    if ! "$base" -m venv .venv >>"$HV_LOG" 2>&1; then
      # Debian ships venv's pip bootstrap separately (python3-venv / python3.X-venv).
      rm -rf .venv
      local ver
      ver=$("$base" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
      hv_debs python3-venv "python$ver-venv"
      "$base" -m venv .venv >>"$HV_LOG" 2>&1 || hv_fail "creating .venv with $base -m venv" \
        "See $HV_LOG; on Debian: sudo apt-get install python3-venv, then run this command again."
    fi
  fi
  HV_PY=$HV_ROOT/.venv/bin/python
}

hv_install() {  # hv_install EXTRA: pip install -e ".[EXTRA]" into HV_PY, unless nothing changed since the last time
  local spec=. stamp key
  [ -n "${1:-}" ] && spec=".[$1]"
  stamp="$("$HV_PY" -c 'import sys; print(sys.prefix)')/.hocvuso-installed"
  key="$("$HV_PY" -VV | tr -d '\n') $(sha256sum pyproject.toml | cut -d' ' -f1)"
  # Installed editable with this pyproject.toml (with this extra, or any extra when none is asked for).
  if [ -f "$stamp" ] && { grep -qxF -- "$key|$spec" "$stamp" || { [ "$spec" = . ] && grep -qF -- "$key|" "$stamp"; }; } \
     && "$HV_PY" -c "import hocvuso.cli" 2>/dev/null; then
    return 0
  fi
  echo "== installing hocvuso ($spec) into $("$HV_PY" -c 'import sys; print(sys.prefix)')"
  "$HV_PY" -m pip install --disable-pip-version-check -e "$spec" >>"$HV_LOG" 2>&1 \
    || hv_fail "installing hocvuso with pip" \
         "The lines above (all of them in $HV_LOG) say why, often no network to the package index; fix that and run this command again."
  "$HV_PY" -c "import hocvuso.widgets, hocvuso.grader, hocvuso.cli" >>"$HV_LOG" 2>&1 \
    || hv_fail "importing hocvuso after the install" "See $HV_LOG."
  { [ -f "$stamp" ] && grep -F -- "$key|" "$stamp"; echo "$key|$spec"; } >"$stamp.new" || true
  mv "$stamp.new" "$stamp"
}
