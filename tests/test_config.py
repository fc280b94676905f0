"""Settings: file < secrets < environment, and errors that name the wrong key."""

from __future__ import annotations

import pytest

from crmcanvas.core.config import ConfigError, load_settings


def write(tmp_path, text):
    path = tmp_path / "canvas.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_any_file(tmp_path):
    settings = load_settings(tmp_path / "none.toml", environ={})
    assert settings.source is None
    assert settings.tabs["donnees"] == "données" and settings.tabs["roles"] == "rôles"


def test_file_renames_tabs_and_environment_wins(tmp_path):
    path = write(tmp_path, 'source = "canevas.xlsx"\nrefresh_seconds = 30\n[tabs]\nbesoins = "Backlog"\n')
    settings = load_settings(path, environ={"CRMCANVAS_REFRESH_SECONDS": "5"})
    assert settings.source == "canevas.xlsx"
    assert settings.refresh_seconds == 5
    assert settings.tabs["besoins"] == "Backlog" and settings.tabs["enjeux"] == "enjeux"


def test_env_source_and_secrets_layer(tmp_path):
    path = write(tmp_path, 'source = "a.xlsx"\n')
    secrets = {"crmcanvas": {"source": "b.xlsx", "refresh_seconds": 9}}
    assert load_settings(path, secrets=secrets, environ={}).source == "b.xlsx"
    assert load_settings(path, secrets=secrets, environ={"CRMCANVAS_SOURCE": "c.xlsx"}).source == "c.xlsx"


@pytest.mark.parametrize(
    ("text", "env", "named"),
    [
        ("refresh_secondes = 3\n", {}, "refresh_secondes"),
        ("[tabs]\nenjeu = 'Stakes'\n", {}, "enjeu"),
        ("[headers.besoins]\nstory = ['Récit']\n", {}, "story"),
        ("", {"CRMCANVAS_REFRESH": "3"}, "CRMCANVAS_REFRESH"),
        ("", {"CRMCANVAS_REFRESH_SECONDS": "souvent"}, "refresh_seconds"),
        ("refresh_seconds = 0\n", {}, "refresh_seconds"),
    ],
)
def test_bad_key_or_value_names_it(tmp_path, text, env, named):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_settings(path, environ=env)
    assert named in str(err.value)


def test_broken_toml_says_which_file(tmp_path):
    path = write(tmp_path, "source = \n")
    with pytest.raises(ConfigError, match="canvas.toml"):
        load_settings(path, environ={})
