#!/usr/bin/env bash
# Start the dashboard: on the demo canvas unless a source is configured (see README).
set -euo pipefail
cd "$(dirname "$0")"
PY=$(scripts/install.sh | tail -n 1)
exec "$PY" -m streamlit run app.py "$@"
