"""The README stays true: every command, setting and quick-start step it names exists, and vice versa."""

from __future__ import annotations

import os
import re
from pathlib import Path

from crmcanvas.cli import build_parser
from crmcanvas.core.config import Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_quick_start_has_exactly_two_commands_that_exist():
    block = README.split("## Démarrage rapide", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["./start.sh", "./run_tests.sh"]
    for command in commands:
        script = ROOT / command
        assert script.exists() and os.access(script, os.X_OK)


def test_ci_runs_the_readme_test_command():
    assert "./run_tests.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_cli_command_is_documented():
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for name in commands:
        assert f"crmcanvas {name}" in README, name


def test_every_setting_is_documented_with_its_variable():
    for key in Settings.model_fields:
        assert f"`{key}`" in README, key
        assert f"CRMCANVAS_{key.upper()}" in README, key


def test_shipped_config_file_is_valid(monkeypatch):
    monkeypatch.delenv("CRMCANVAS_CONFIG", raising=False)
    settings = load_settings(ROOT / "config" / "canvas.toml", environ={})
    assert settings == Settings()


def test_every_finding_code_named_in_readme_exists():
    from crmcanvas.core.findings import CODES

    paragraph = README.split("Ce qui cloche devient un **constat**", 1)[1].split("\n\n", 1)[0]
    named = set(re.findall(r"`([a-z]+_[a-z_]+)`", paragraph))
    assert named and named <= set(CODES)
