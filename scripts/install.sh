#!/usr/bin/env bash
# Install crmcanvas (and, with --test, what the test suite needs) into the current Python.
# Falls back to a local .venv when the system Python refuses pip installs (PEP 668).
# Prints the python to use on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
extra=""
[ "${1:-}" = "--test" ] && extra="[test]"
[ -x .venv/bin/python ] && PY=.venv/bin/python

if ! "$PY" -c "import sys; sys.exit(sys.version_info < (3, 11))" 2>/dev/null; then
  echo "crmcanvas needs Python 3.11 or newer (found: $("$PY" --version 2>&1))." >&2
  exit 1
fi
# Already installed from this pyproject.toml into this Python: pip is not asked again (it takes ~7 s to say so).
stamp_file=".install-stamp${1:-}"
stamp_of() { echo "$("$1" -c 'import sys; print(sys.executable)') ${extra} $(sha256sum pyproject.toml | cut -d' ' -f1)"; }
stamp=$(stamp_of "$PY")
if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ] \
   && "$PY" -c "import crmcanvas, pathlib, sys; sys.exit(pathlib.Path(crmcanvas.__file__).parents[1] != pathlib.Path.cwd())" 2>/dev/null; then
  echo "$PY"
  exit 0
fi
# Every requirement already installed in an accepted version (a second checkout, a CI image that has them): only
# this checkout is linked, without pip resolving them all again (4.5 s instead of 8).
if "$PY" scripts/requirements_met.py ${1:-} 2>/dev/null \
   && "$PY" -m pip install -q --disable-pip-version-check --no-deps -e . 2>/dev/null; then
  stamp_of "$PY" > "$stamp_file"
  echo "$PY"
  exit 0
fi
if ! "$PY" -m pip install -q --disable-pip-version-check -e ".${extra}" 2>/tmp/crmcanvas-pip.err; then
  if grep -q "externally-managed" /tmp/crmcanvas-pip.err; then
    "$PY" -m venv .venv && PY=.venv/bin/python
    "$PY" -m pip install -q --disable-pip-version-check -e ".${extra}" >&2
  else
    cat /tmp/crmcanvas-pip.err >&2
    exit 1
  fi
fi
stamp_of "$PY" > "$stamp_file"
echo "$PY"
