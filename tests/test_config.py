"""Settings: file < secrets < environment, errors that name the wrong key, and the one resolution
(settings + secrets + source, with where the source came from) that the dashboard and the CLI share."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmcanvas.core.config import ConfigError, load_settings, resolve

URL = "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/edit"
OTHER_URL = "https://docs.google.com/spreadsheets/d/9ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210/edit"


def write(tmp_path, text, name="canvas.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def places(tmp_path) -> tuple[Path, Path]:
    """An empty working folder and an empty home folder."""
    cwd, home = tmp_path / "projet", tmp_path / "maison"
    cwd.mkdir()
    home.mkdir()
    return cwd, home


def secrets_file(folder: Path, text: str) -> Path:
    path = folder / ".streamlit" / "secrets.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------- settings


def test_defaults_without_any_file(places):
    cwd, home = places
    where = resolve(environ={}, cwd=cwd, home=home)
    assert where.settings.source is None and where.spec == "demo" and where.origin == "demo"
    assert where.settings.tabs["donnees"] == "données" and where.settings.tabs["roles"] == "rôles"
    assert where.config_file is None


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


def test_errors_are_french_words_not_pydantic_internals(tmp_path):
    path = write(tmp_path, 'refresh_seconds = "souvent"\nlanguage = "de"\n')
    with pytest.raises(ConfigError) as err:
        load_settings(path, environ={})
    text = str(err.value)
    assert "« refresh_seconds » (" in text and "doit être un nombre entier" in text
    assert "« language » (" in text and "doit être l'une de ces valeurs : fr, en" in text
    assert "Input should" not in text


def test_errors_render_in_english_when_asked(tmp_path):
    path = write(tmp_path, "refresh_seconds = 1\n[tabs]\nenjeu = 'Stakes'\n")
    with pytest.raises(ConfigError) as err:
        load_settings(path, environ={})
    message, hint = err.value.render("en")
    assert message.startswith("Invalid configuration: ")
    assert "must be greater than or equal to 2" in message and "unknown tab(s) enjeu" in message
    assert hint and hint.startswith("Fix the key")


@pytest.mark.parametrize("named_by", ["argument", "env"])
def test_a_named_configuration_file_must_exist(places, named_by):
    cwd, home = places
    if named_by == "argument":
        call = {"config_path": "prod.toml", "environ": {}}
    else:
        call = {"environ": {"CRMCANVAS_CONFIG": str(cwd / "prod.toml")}}
    with pytest.raises(ConfigError) as err:
        resolve(**call, cwd=cwd, home=home)
    assert str(cwd / "prod.toml") in str(err.value)
    assert ("--config" if named_by == "argument" else "CRMCANVAS_CONFIG") in str(err.value)


def test_the_default_configuration_file_is_read_from_the_working_folder(places):
    cwd, home = places
    (cwd / "config").mkdir()
    write(cwd / "config", 'source = "atelier.xlsx"\n')
    where = resolve(environ={}, cwd=cwd, home=home)
    assert where.spec == "atelier.xlsx" and where.origin == "config" and where.where == str(cwd / "config" / "canvas.toml")


# ---------------------------------------------------------------------- secrets, as Streamlit reads them


def test_a_command_reads_the_folders_secrets_like_streamlit(places):
    cwd, home = places
    secrets_file(cwd, f'[connections.gsheets]\nspreadsheet = "{URL}"\n')
    where = resolve(environ={}, cwd=cwd, home=home)
    assert where.spec == URL and where.origin == "secrets"
    assert where.where == f"[connections.gsheets] spreadsheet, {cwd / '.streamlit' / 'secrets.toml'}"
    assert where.secrets["connections"]["gsheets"]["spreadsheet"] == URL


def test_project_secrets_replace_the_home_tables_they_redefine(places):
    """Streamlit merges ~/.streamlit/secrets.toml then ./.streamlit/secrets.toml, top-level table by table."""
    cwd, home = places
    secrets_file(home, f'[connections.gsheets]\nspreadsheet = "{OTHER_URL}"\n[crmcanvas]\nrefresh_seconds = 30\n')
    secrets_file(cwd, f'[connections.gsheets]\nspreadsheet = "{URL}"\n')
    where = resolve(environ={}, cwd=cwd, home=home)
    assert where.spec == URL
    assert where.settings.refresh_seconds == 30  # [crmcanvas] only in the home file: kept


def test_the_dashboard_passes_its_own_secrets_and_no_file_is_read(places):
    cwd, home = places
    secrets_file(cwd, f'[connections.gsheets]\nspreadsheet = "{OTHER_URL}"\n')
    where = resolve(secrets={"connections": {"gsheets": {"spreadsheet": URL}}}, environ={}, cwd=cwd, home=home)
    assert where.spec == URL and where.where == "[connections.gsheets] spreadsheet"


def test_a_broken_secrets_file_is_an_error_naming_it(places):
    cwd, home = places
    path = secrets_file(cwd, 'private_key = "-----BEGIN\n')
    with pytest.raises(ConfigError) as err:
        resolve(environ={}, cwd=cwd, home=home)
    assert str(path) in str(err.value) and "private_key" in err.value.render()[1]


# ---------------------------------------------------------------------- which source, and where it came from


@pytest.mark.parametrize(
    ("argument", "file", "secrets", "env", "spec", "origin"),
    [
        ("cli.xlsx", 'source = "file.xlsx"', {"crmcanvas": {"source": "secret.xlsx"}}, {"CRMCANVAS_SOURCE": "env.xlsx"},
         "cli.xlsx", "argument"),
        (None, 'source = "file.xlsx"', {"crmcanvas": {"source": "secret.xlsx"}}, {"CRMCANVAS_SOURCE": "env.xlsx"},
         "env.xlsx", "env"),
        (None, 'source = "file.xlsx"', {"crmcanvas": {"source": "secret.xlsx"}}, {}, "secret.xlsx", "secrets"),
        (None, 'source = "file.xlsx"', {"connections": {"gsheets": {"spreadsheet": URL}}}, {}, "file.xlsx", "config"),
        (None, "", {"connections": {"gsheets": {"spreadsheet": URL}}}, {}, URL, "secrets"),
        (None, "", {}, {}, "demo", "demo"),
    ],
)
def test_source_order_and_origin(places, argument, file, secrets, env, spec, origin):
    cwd, home = places
    config = write(cwd, file, "prod.toml")
    where = resolve(config, source=argument, secrets=secrets, environ=env, cwd=cwd, home=home)
    assert (where.spec, where.origin) == (spec, origin)


def test_origin_phrases_name_the_variable_file_or_table(places):
    cwd, home = places
    config = write(cwd, 'source = "atelier.xlsx"\n', "prod.toml")
    phrases = {
        "argument": resolve(config, source="x.xlsx", environ={}, cwd=cwd, home=home),
        "env": resolve(config, environ={"CRMCANVAS_SOURCE": "x.xlsx"}, cwd=cwd, home=home),
        "config": resolve(config, environ={}, cwd=cwd, home=home),
        "secrets": resolve(secrets={"crmcanvas": {"source": "x.xlsx"}}, environ={}, cwd=cwd, home=home),
    }
    rendered = {name: where.origin_text().render("fr") for name, where in phrases.items()}
    assert rendered == {
        "argument": "l'argument de la commande",
        "env": "la variable d'environnement CRMCANVAS_SOURCE",
        "config": f"« source » dans {config}",
        "secrets": "les secrets Streamlit ([crmcanvas] source)",
    }
    assert phrases["env"].origin_text().render("en") == "the environment variable CRMCANVAS_SOURCE"


def test_open_source_keeps_its_old_call(tmp_path):
    from crmcanvas.core.config import Settings
    from crmcanvas.demo import write_demo_workbook
    from crmcanvas.sources import DemoSource, open_source, resolve_spec

    path = write_demo_workbook(tmp_path / "c.xlsx")
    settings = Settings(source=str(path))
    assert resolve_spec(None, settings) == str(path)
    assert resolve_spec(None, Settings(), {"connections": {"gsheets": {"spreadsheet": URL}}}) == URL
    assert isinstance(open_source(None, Settings()), DemoSource)
    assert open_source(None, settings).read(dict(settings.tabs)).grids["besoins"][0][0] == "ID"

