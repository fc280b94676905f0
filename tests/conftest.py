"""Shared fixtures: small canvases people would recognise, and settings without side effects."""

from __future__ import annotations

import pytest

from crmcanvas.core.config import Settings


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch, tmp_path):
    """Tests never pick up a developer's config/canvas.toml or CRMCANVAS_* variables."""
    import os

    for name in list(os.environ):
        if name.startswith("CRMCANVAS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CRMCANVAS_CONFIG", str(tmp_path / "absent.toml"))
