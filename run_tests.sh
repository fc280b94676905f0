#!/usr/bin/env bash
# Run the whole test suite, installing what it needs first (Python packages, and Debian's
# Chromium for the browser test: it is never skipped, so it must be installed).
set -euo pipefail
cd "$(dirname "$0")"
PY=$(scripts/install.sh --test | tail -n 1)

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Chromium (Debian packages chromium, chromium-driver)…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "The browser test needs Debian's Chromium: sudo apt-get install chromium chromium-driver" >&2
    exit 1
  fi
fi

"$PY" -m ruff check .
"$PY" -m mypy  # packages and options in pyproject.toml [tool.mypy]
exec "$PY" -m pytest "$@"
