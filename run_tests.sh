#!/usr/bin/env bash
# Run the whole test suite, installing what it needs first (Python packages, and Debian's
# Chromium for the browser test: it is never skipped, so it must be installed).
# pytest runs one worker more than the machine has cores (pytest-xdist): the browser tests spend much of their time
# waiting on Chromium and the server, and the extra worker fills those waits (2 cores, fresh clone, side by side:
# 155 s against 195 s; a fourth worker was slower again, 176 s against 165). The tests sharing one server stay on one
# worker (--dist loadgroup). Tests wait for what they check (a read, a chart), never a fixed time: under this load
# a fixed wait was a coin toss.
# mypy runs beside pytest: it uses one core, and the browser tests spend most of their time waiting.
set -euo pipefail
cd "$(dirname "$0")"
PY=$(scripts/install.sh --test | tail -n 1)

# Chromium drives the browser tests and draws the report's charts (Kaleido); DejaVu gives the PDF its accents.
if [ ! -x /usr/bin/chromium ] || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Chromium and fonts (Debian packages chromium, chromium-driver, fonts-dejavu-core)…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-dejavu-core >/dev/null
  else
    echo "The browser tests need Debian's Chromium: sudo apt-get install chromium chromium-driver fonts-dejavu-core" >&2
    exit 1
  fi
fi

# Compiled modules are kept in __pycache__ (gitignored) even where the environment says not to (PYTHONDONTWRITEBYTECODE,
# as on some CI images): otherwise every process the suite starts (pytest's workers, the Streamlit servers, ~50 command
# runs) compiles crmcanvas and the tests again: ~4 CPU-s per pytest worker, ~0.2 s per process.
unset PYTHONDONTWRITEBYTECODE
"$PY" -m compileall -q -j 0 app.py pages crmcanvas tests >/dev/null
"$PY" -m ruff check .
mypy_log=$(mktemp)
trap 'rm -f "$mypy_log"' EXIT
"$PY" -m mypy >"$mypy_log" 2>&1 &  # packages and options in pyproject.toml [tool.mypy]
mypy_pid=$!

status=0
# Arguments go to pytest after these, so they win (`./run_tests.sh -n 0` runs serially).
workers=$(( $("$PY" -c 'import os; print(os.cpu_count() or 1)') + 1 ))
"$PY" -m pytest -n "$workers" --dist loadgroup "$@" || status=$?

mypy_status=0
wait "$mypy_pid" || mypy_status=$?
echo "mypy:"
cat "$mypy_log"
if [ "$mypy_status" -ne 0 ]; then
  exit "$mypy_status"
fi
exit "$status"
