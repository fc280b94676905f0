"""The README stays true: every command, setting and quick-start step it names exists, and vice versa."""

from __future__ import annotations

import os
import re
import subprocess
import sys
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


def test_the_shipped_config_file_shows_every_setting_with_its_default():
    """config/canvas.toml is where a facilitator looks first: each setting is there, and removing the « # » of a
    line gives the default (except the three that show an example: there is no default to show)."""
    import tomllib

    text = (ROOT / "config" / "canvas.toml").read_text(encoding="utf-8")
    commented = "\n".join(line[2:] for line in text.splitlines() if re.match(r"# (\[[a-z.]+\]|[a-z_]+ = )", line))
    shown = tomllib.loads(commented)
    assert set(shown) == set(Settings.model_fields), set(Settings.model_fields) ^ set(shown)
    examples = {"source", "sheets_endpoint", "time_zone", "headers"}
    defaults = Settings().model_dump()
    settings = Settings(**shown)
    assert {k: getattr(settings, k) for k in defaults if k not in examples} == {k: v for k, v in defaults.items()
                                                                                 if k not in examples}


def test_every_finding_code_named_in_readme_exists():
    from crmcanvas.core.findings import CODES

    paragraph = README.split("Ce qui cloche devient un **constat**", 1)[1].split("\n\n", 1)[0]
    named = set(re.findall(r"`([a-z]+_[a-z_]+)`", paragraph))
    assert named and named <= set(CODES)


DOCS = {path.name: path.read_text(encoding="utf-8") for path in (ROOT / "docs").glob("*.md")}


def test_every_cli_option_is_documented():
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for p in [parser, *commands.values()]:
        for action in p._actions:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    assert f"{option}" in README, (p.prog, option)


def test_every_exit_code_is_in_the_readme_table():
    from crmcanvas.cli import terminal

    codes = [value for name, value in vars(terminal).items() if name.startswith("EXIT_")]
    table = README.split("| code de sortie |", 1)[1].split("\n\n", 1)[0]
    assert sorted(int(code) for code in re.findall(r"^\| (\d+) \|", table, re.M)) == sorted(codes)


def test_readme_and_docs_give_the_same_quota_advice():
    """A 429 means too many reads: read less often, i.e. raise refresh_seconds (never lower it)."""
    for name, text in {"README.md": README, **DOCS}.items():
        assert not re.search(r"(baiss|diminu|réduis)\w*\s+`refresh_seconds`", text), name
    assert re.search(r"augmentez `refresh_seconds`", README)
    assert re.search(r"augmente\w* `refresh_seconds`", DOCS["google-sheets.md"])


def test_readme_says_what_start_sh_really_does():
    """The server runs headless (.streamlit/config.toml): it serves the page, it opens no browser."""
    assert re.search(r"^headless = true$", (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"), re.M)
    assert "sert le tableau de bord sur http://localhost:8501" in README
    assert not re.search(r"ouvre\s+http", README)


def test_readme_says_how_to_reach_the_venv_install_sh_may_create():
    install = (ROOT / "scripts" / "install.sh").read_text(encoding="utf-8")
    assert "-m venv .venv" in install  # what the README explains below
    section = README.split("### Lancer les commandes dans un nouveau terminal", 1)[1]
    assert "source .venv/bin/activate" in section and ".venv/bin/crmcanvas" in section
    assert ".venv/bin/python -m crmcanvas.standin" in section and "python3 -m crmcanvas --help" in section
    before = README.split("### Lancer les commandes dans un nouveau terminal", 1)[0]
    assert "python -m crmcanvas.standin" not in before and "crmcanvas check" not in before


def test_the_module_form_shown_in_the_readme_runs():
    done = subprocess.run([sys.executable, "-m", "crmcanvas", "--help"], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0 and "check" in done.stdout, done.stderr


def test_every_source_file_the_docs_name_exists():
    for name, text in {"README.md": README, **DOCS}.items():
        for path in re.findall(r"`(crmcanvas/[\w/]+\.(?:py|md|toml))`", text):
            assert (ROOT / path).exists(), (name, path)
