"""scripts/install.sh skips pip's resolution only when every requirement is already installed in an accepted version."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "requirements_met.py"


def met(*args: str) -> int:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, timeout=60).returncode


def write(tmp_path: Path, deps: list[str], test: list[str]) -> str:
    path = tmp_path / "pyproject.toml"
    path.write_text(f"[project]\nname = 'x'\ndependencies = {deps!r}\n[project.optional-dependencies]\ntest = {test!r}\n",
                    encoding="utf-8")
    return str(path)


def test_this_machine_has_every_requirement_so_install_only_links_the_checkout():
    assert met("--test") == 0  # the suite runs: pytest, playwright… are installed


def test_a_missing_package_a_too_old_version_or_a_missing_test_tool_means_a_full_install(tmp_path):
    assert met(write(tmp_path, ["pandas>=2", "crmcanvas-no-such-package>=1"], [])) == 1
    assert met(write(tmp_path, ["pandas>=999"], [])) == 1
    assert met(write(tmp_path, ["pandas>=2"], ["crmcanvas-no-such-tool"])) == 0  # the test tools only when asked
    assert met("--test", write(tmp_path, ["pandas>=2"], ["crmcanvas-no-such-tool"])) == 1
    assert met(write(tmp_path, ["pandas>=2", "crmcanvas-windows-only; sys_platform == 'win32'"], [])) == 0
