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
if ! "$PY" -m pip install -q --disable-pip-version-check -e ".${extra}" 2>/tmp/crmcanvas-pip.err; then
  if grep -q "externally-managed" /tmp/crmcanvas-pip.err; then
    "$PY" -m venv .venv && PY=.venv/bin/python
    "$PY" -m pip install -q --disable-pip-version-check -e ".${extra}" >&2
  else
    cat /tmp/crmcanvas-pip.err >&2
    exit 1
  fi
fi
echo "$PY"
