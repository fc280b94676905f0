"""The command as a user or a cron job runs it: a separate process (run it in the ``work`` folder of conftest)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]



def run_cli(*args: str | bytes, cwd: Path | None = None, env: dict[str, str] | None = None,
            text: bool = True) -> subprocess.CompletedProcess:
    """A separate process, this checkout's code first on the path."""
    return subprocess.run([sys.executable, "-m", "crmcanvas.cli", *args], capture_output=True, text=text, timeout=120,
                          cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
