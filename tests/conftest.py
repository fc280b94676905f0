"""Shared fixtures: small canvases people would recognise, and settings without side effects."""

from __future__ import annotations

import pytest

from crmcanvas.core.config import Settings


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def _empty_config(tmp_path_factory):
    path = tmp_path_factory.mktemp("config") / "canvas.toml"
    path.write_text("", encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch, _empty_config):
    """Tests never pick up a developer's config/canvas.toml or CRMCANVAS_* variables.

    CRMCANVAS_CONFIG names an empty file: a config file that is named must exist.
    """
    import os

    for name in list(os.environ):
        if name.startswith("CRMCANVAS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CRMCANVAS_CONFIG", str(_empty_config))


@pytest.fixture
def work(tmp_path, monkeypatch):
    """An empty folder as the current one, with an empty home: no developer's secrets, config or snapshots.
    The CLI and snapshot tests use it for every test (``pytestmark = pytest.mark.usefixtures("work")``)."""
    folder, home = tmp_path / "work", tmp_path / "home"
    folder.mkdir()
    home.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.setenv("HOME", str(home))
    return folder
