"""Shared fixtures: small canvases people would recognise, and settings without side effects."""

from __future__ import annotations

import functools

import pytest

from crmcanvas.core.config import Settings


@pytest.fixture(scope="session", autouse=True)
def _scan_installed_components_once():
    """Every new AppTest scans the metadata of every installed package for Streamlit components: half a second of
    CPU each, most of a page test. The packages do not change during a run, so the suite scans once."""
    from streamlit.components.v2 import manifest_scanner

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(manifest_scanner, "scan_component_manifests", functools.cache(manifest_scanner.scan_component_manifests))
        yield


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
