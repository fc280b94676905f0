"""Settings, secrets and the canvas source, resolved once for the dashboard and every command.

:func:`resolve` is the one place they are decided; ``crmcanvas/ui/state.py`` and
every CLI command call it, so a cron job audits the sheet the dashboard shows.

Settings are merged from three layers, later wins:

1. the config file: ``--config FILE``, else ``CRMCANVAS_CONFIG``, else
   ``config/canvas.toml`` in the working directory (only this default may be
   absent: a file you name must exist);
2. the ``[crmcanvas]`` section of the Streamlit secrets;
3. ``CRMCANVAS_<KEY>`` environment variables.

Everything is validated by pydantic; a wrong key or value gives a
:class:`ConfigError` naming the key and where it came from, never a stack of
pydantic internals.

Secrets: the dashboard passes ``st.secrets``. A command (no Streamlit running)
reads the files Streamlit reads, ``~/.streamlit/secrets.toml`` then
``./.streamlit/secrets.toml``; a top-level table of the project file replaces
the same table of the global one (Streamlit's own shallow merge).

The source ("spec") is the first of: the command-line argument, the ``source``
setting (from whichever layer set it), ``[connections.gsheets] spreadsheet`` in
the secrets (st-gsheets-connection's layout), the demo canvas. :class:`Resolved`
remembers which, so an error can say what to fix: a path typed on the command
line is not "``source`` in config/canvas.toml".
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from crmcanvas.core.schema import DEFAULT_DEPARTMENTS, TAB_KEYS, TABS
from crmcanvas.i18n import DEFAULT_LANG, LANGUAGES, Text, msg, t

DEFAULT_CONFIG_PATH = Path("config/canvas.toml")
ENV_PREFIX = "CRMCANVAS_"
CONFIG_ENV = ENV_PREFIX + "CONFIG"
SECRETS_FILE = Path(".streamlit") / "secrets.toml"
DEMO = "demo"

Origin = Literal["argument", "env", "config", "secrets", "settings", "demo"]


class ConfigError(Exception):
    """A setting is wrong or a named file is missing. The text names the key (or file) and what is expected.

    Like :class:`~crmcanvas.sources.base.SourceError` it carries catalogue
    texts, rendered in the reader's language by whoever shows them; ``lang``
    is the language the broken configuration asked for, when it could tell.
    """

    def __init__(self, text: Text, *, problems: Sequence[Text] = (), suggestion: Text | None = None, lang: str | None = None):
        self.text = text
        self.problems = tuple(problems)
        self.hint = suggestion
        self.lang = lang
        super().__init__(self.render()[0])

    def render(self, lang: str | None = None, context: str | None = None) -> tuple[str, str | None]:
        """(message, suggestion) in ``lang`` (default: the language the configuration asked for, else French)."""
        lang = lang or self.lang or DEFAULT_LANG
        params: dict[str, object] = {}
        if self.problems:
            params["problems"] = t("config.separator", lang).join(p.render(lang, context=context) for p in self.problems)
        message = t(self.text.key, lang, context=context, **{**self.text.params, **params})
        return message, self.hint.render(lang, context=context) if self.hint else None


class _Invalid(ValueError):
    """A validator's refusal, carrying its catalogue text (pydantic keeps the exception in ``ctx``)."""

    def __init__(self, text: Text):
        super().__init__(str(text))
        self.text = text


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str | None = Field(None, description="Path of a .xlsx or URL of a Google Sheet; empty = demo canvas")
    refresh_seconds: int = Field(15, ge=2, le=3600, description="Seconds between two reads of the sheet")
    sheets_endpoint: str | None = Field(None, description="Base URL of a Sheets API v4 server (tests, offline demo)")
    request_timeout: float = Field(20.0, gt=0, le=300, description="Longest wait for one HTTP request (seconds)")
    max_retries: int = Field(4, ge=0, le=10, description="Retries after 429/5xx")
    tabs: dict[str, str] = Field(default_factory=lambda: {k: TABS[k].title for k in TAB_KEYS})
    headers: dict[str, dict[str, list[str]]] = Field(default_factory=dict, description="Extra header spellings per tab")
    near_duplicate_threshold: float = Field(90.0, ge=50, le=100)
    fuzzy_cutoff: float = Field(80.0, ge=50, le=100)
    departments: list[str] = Field(default_factory=lambda: list(DEFAULT_DEPARTMENTS))
    language: Literal["fr", "en"] = "fr"
    protect_ids: bool = Field(False, description="crmcanvas init: warning-only protection of ID columns (Google Sheets)")
    write_enabled: bool = Field(False, description="Capture needs and apply fixes from the dashboard (an authorised "
                                                   "reader is still required: see crmcanvas/ui/auth.py)")
    # Weekly snapshots and CSV files (crmcanvas/reports/snapshots.py, history.py, csv_export.py)
    csv_separator: Literal[";", ",", "tab"] = Field(";", description="Cell separator of every CSV written (French Excel: ;)")
    csv_bom: bool = Field(True, description="UTF-8 byte-order mark at the start of every CSV (Excel then reads accents right)")
    snapshot_dir: str = Field("snapshots", description="Folder of the weekly snapshots (relative to the working directory)")
    history_tab: str = Field("historique", description="Tab of the source with one row per snapshot; empty: none")
    history_write: bool = Field(False, description="crmcanvas snapshot also appends its metrics to history_tab")
    time_zone: str | None = Field(None, description="IANA time zone of snapshot times and weeks; empty: the machine's")
    wall_pages: list[str] = Field(default_factory=list, description="Pages the wall rotates through (page keys); empty = every wall page")
    wall_rotate_seconds: int = Field(0, ge=0, le=3600, description="Seconds each page stays on the wall before the next; 0 = no rotation")

    @field_validator("tabs")
    @classmethod
    def _known_tabs(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(TAB_KEYS))
        if unknown:
            raise _Invalid(msg("config.reason.unknown_tabs", unknown=", ".join(unknown), known=", ".join(TAB_KEYS)))
        return {**{k: TABS[k].title for k in TAB_KEYS}, **{k: v.strip() for k, v in value.items()}}

    @field_validator("headers")
    @classmethod
    def _known_columns(cls, value: dict[str, dict[str, list[str]]]) -> dict[str, dict[str, list[str]]]:
        for tab, cols in value.items():
            if tab not in TABS:
                raise _Invalid(msg("config.reason.unknown_tabs", unknown=tab, known=", ".join(TAB_KEYS)))
            unknown = sorted(set(cols) - set(TABS[tab].keys))
            if unknown:
                raise _Invalid(msg("config.reason.unknown_columns", unknown=", ".join(unknown), tab=tab,
                                   known=", ".join(TABS[tab].keys)))
        return value

    @field_validator("source", "sheets_endpoint", "time_zone")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if isinstance(value, str) else value

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise _Invalid(msg("snapshots.config.bad_time_zone", value=value)) from None
        return value

    @field_validator("csv_bom", "history_write", mode="before")
    @classmethod
    def _yes_no(cls, value: object) -> object:
        """true/false, and the words a French user types in an environment variable (oui/non)."""
        if isinstance(value, str):
            word = value.strip().lower()
            if word in ("true", "1", "yes", "oui", "on", "vrai"):
                return True
            if word in ("false", "0", "no", "non", "off", "faux", ""):
                return False
            raise _Invalid(msg("snapshots.config.not_yes_no", value=value))
        return value

    @field_validator("snapshot_dir", "history_tab")
    @classmethod
    def _stripped(cls, value: str, info: ValidationInfo) -> str:
        """Blanks around a name are a typo; a blank snapshot folder means the default one."""
        return value.strip() or ("snapshots" if info.field_name == "snapshot_dir" else "")


def printable(text: str | os.PathLike[str]) -> str:
    """A name as it can be shown anywhere: bytes that are not UTF-8 (kept by Python as
    surrogates) become ``\\xff`` escapes instead of crashing a strict UTF-8 output."""
    return os.fspath(text).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def is_printable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# ---------------------------------------------------------------------- layers


@dataclass(frozen=True)
class _Where:
    """Where one layer's values come from: its kind and a name to show (file, variable, secrets table)."""

    kind: Literal["config", "secrets", "env"]
    name: str = ""
    file: Path | None = None

    def label(self) -> Text | str:
        if self.kind == "config":
            return printable(self.name)
        if self.kind == "env":
            return msg("config.where.env")
        return msg("config.where.secrets") if self.file is None else f"secrets [crmcanvas], {printable(self.file)}"


def _env_layer(environ: Mapping[str, str]) -> dict[str, Any]:
    layer: dict[str, Any] = {}
    fields = Settings.model_fields
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or name == CONFIG_ENV:
            continue
        key = name[len(ENV_PREFIX):].lower()
        if key not in fields:
            raise ConfigError(msg("config.unknown_env", name=name, names=", ".join(ENV_PREFIX + k.upper() for k in fields)),
                              suggestion=msg("config.fix_hint"))
        annotation = str(fields[key].annotation)
        if "dict" in annotation or "list" in annotation:
            try:
                layer[key] = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise ConfigError(msg("config.env_not_json", name=name, reason=exc.msg), suggestion=msg("config.fix_hint")) from None
        else:
            layer[key] = raw
    return layer


def _read_toml(path: Path, invalid: str, hint: str) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(msg(invalid, path=printable(path), reason=str(exc)), suggestion=msg(hint)) from None
    except OSError as exc:
        raise ConfigError(msg("config.unreadable", path=printable(path), reason=exc.strerror or type(exc).__name__)) from None


def _file_layer(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    data = _read_toml(path, "config.invalid_toml", "config.toml_hint")
    return data.get("crmcanvas", data)


def config_file(config_path: Path | str | None, environ: Mapping[str, str], cwd: Path) -> Path:
    """The config file to read. One named by ``--config`` or ``CRMCANVAS_CONFIG`` must exist."""
    named_by = "argument" if config_path else "env" if environ.get(CONFIG_ENV) else None
    path = Path(config_path or environ.get(CONFIG_ENV) or DEFAULT_CONFIG_PATH).expanduser()
    path = path if path.is_absolute() else cwd / path
    if named_by and not path.is_file():
        key = "config.not_a_file" if path.exists() else "config.file_missing"
        raise ConfigError(msg(key, path=printable(path), named_by=msg(f"config.named_by.{named_by}")),
                          suggestion=msg("config.file_missing_hint"), lang=_env_language(environ))
    return path


def secrets_files(cwd: Path, home: Path) -> list[Path]:
    """Where Streamlit looks for secrets.toml, global first (later files win)."""
    files = [home / SECRETS_FILE, cwd / SECRETS_FILE]
    return files[1:] if files[0] == files[1] else files


def read_local_secrets(cwd: Path, home: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    """The secrets a command sees: Streamlit's files merged as Streamlit merges them,
    with the file each top-level table came from."""
    merged: dict[str, Any] = {}
    came_from: dict[str, Path] = {}
    for path in secrets_files(cwd, home):
        if not path.is_file():
            continue
        for key, value in _read_toml(path, "config.secrets_invalid", "config.secrets_hint").items():
            merged[key] = value
            came_from[key] = path
    return merged, came_from


def _section(mapping: Any, key: str) -> Any:
    """``mapping[key]`` or None, for dicts and st.secrets alike."""
    try:
        return mapping.get(key) if mapping is not None else None
    except Exception:  # st.secrets raises when no secrets file exists at all
        return None


def _env_language(environ: Mapping[str, str]) -> str | None:
    lang = environ.get(ENV_PREFIX + "LANGUAGE")
    return lang if lang in LANGUAGES else None


def _reason(err: Mapping[str, Any]) -> Text:
    kind, ctx = err["type"], err.get("ctx") or {}
    limits = {"greater_than_equal": "ge", "less_than_equal": "le", "greater_than": "gt", "less_than": "lt"}
    if kind in limits:
        return msg(f"config.reason.{kind}", limit=ctx.get(limits[kind]))
    if kind == "value_error" and isinstance(ctx.get("error"), _Invalid):
        return ctx["error"].text
    simple = {"int_parsing": "int", "int_from_float": "int", "int_type": "int", "float_parsing": "number", "float_type": "number",
              "string_type": "text", "dict_type": "table", "list_type": "list"}
    if kind in simple:
        return msg(f"config.reason.{simple[kind]}")
    if kind == "literal_error":
        field_info = Settings.model_fields.get(str(err["loc"][0])) if err["loc"] else None
        choices = get_args(field_info.annotation) if field_info else ()
        return msg("config.reason.choice", expected=", ".join(map(str, choices)) or ctx.get("expected", ""))
    return msg("config.reason.other", detail=err.get("msg", kind))


def _merge(layers: list[tuple[_Where, Mapping[str, Any]]]) -> tuple[Settings, dict[str, _Where]]:
    merged: dict[str, Any] = {}
    origin: dict[str, _Where] = {}
    for where, layer in layers:
        for key, value in layer.items():
            merged[key] = value
            origin[key] = where
    try:
        return Settings(**merged), origin
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"]) or "?"
            top = str(err["loc"][0]) if err["loc"] else "?"
            shown = origin[top].label() if top in origin else "?"
            if err["type"] == "extra_forbidden":
                problems.append(msg("config.unknown_key", key=key, where=shown, keys=", ".join(Settings.model_fields)))
            else:
                problems.append(msg("config.bad_value", key=key, where=shown, reason=_reason(err)))
        lang = merged.get("language")
        raise ConfigError(msg("config.invalid", problems=""), problems=problems, suggestion=msg("config.fix_hint"),
                          lang=lang if lang in LANGUAGES else None) from None


def _layers(path: Path, secrets: Mapping[str, Any] | None, secrets_from: Mapping[str, Path],
            environ: Mapping[str, str]) -> list[tuple[_Where, Mapping[str, Any]]]:
    layers: list[tuple[_Where, Mapping[str, Any]]] = [(_Where("config", str(path)), _file_layer(path))]
    section = _section(secrets, "crmcanvas")
    if section:
        layers.append((_Where("secrets", "[crmcanvas]", secrets_from.get("crmcanvas")), dict(section)))
    layers.append((_Where("env"), _env_layer(environ)))
    return layers


def load_settings(
    path: Path | str | None = None,
    *,
    secrets: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """The settings alone: file < secrets ``[crmcanvas]`` < environment, validated.

    Secrets are only those given (no file is read for them): use :func:`resolve`
    for the whole resolution, secrets files and source included.
    """
    environ = os.environ if environ is None else environ
    return _merge(_layers(config_file(path, environ, Path.cwd()), secrets, {}, environ))[0]


# ---------------------------------------------------------------------- the source


@dataclass(frozen=True)
class Resolved:
    """Settings, secrets and the source spec, with where the spec came from.

    ``origin`` is ``argument`` (command line), ``env`` (``CRMCANVAS_SOURCE``),
    ``config`` (``source`` in the config file), ``secrets`` (``[crmcanvas]
    source`` or ``[connections.gsheets] spreadsheet``), ``settings`` (a
    ``Settings`` given by a caller, layer unknown) or ``demo``; ``where`` names
    the file, variable or secrets table.
    """

    settings: Settings
    spec: str
    origin: Origin
    where: str = ""
    secrets: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    config_file: Path | None = None

    @property
    def is_demo(self) -> bool:
        return self.spec == DEMO

    def origin_text(self) -> Text:
        """Where the spec came from, as a phrase: « l'argument de la commande », « la variable … »."""
        return msg(f"config.origin.{self.origin}", where=self.where)


def spreadsheet_in(secrets: Mapping[str, Any] | None) -> str | None:
    """``[connections.gsheets] spreadsheet`` (st-gsheets-connection's layout), if any."""
    value = _section(_section(_section(secrets, "connections"), "gsheets"), "spreadsheet")
    return str(value).strip() or None if value else None


def choose_spec(
    argument: str | None,
    settings: Settings,
    secrets: Mapping[str, Any] | None = None,
    *,
    source_from: _Where | None = None,
    secrets_from: Mapping[str, Path] | None = None,
) -> tuple[str, Origin, str]:
    """(spec, origin, where): argument, else ``source``, else the secrets' spreadsheet, else the demo."""
    if argument and argument.strip():
        return argument.strip(), "argument", ""
    if settings.source:
        if source_from is None:
            return settings.source, "settings", ""
        if source_from.kind == "env":
            return settings.source, "env", ENV_PREFIX + "SOURCE"
        if source_from.kind == "secrets":
            return settings.source, "secrets", _secrets_where("[crmcanvas] source", source_from.file)
        return settings.source, "config", printable(source_from.name)
    sheet = spreadsheet_in(secrets)
    if sheet:
        return sheet, "secrets", _secrets_where("[connections.gsheets] spreadsheet", (secrets_from or {}).get("connections"))
    return DEMO, "demo", ""


def _secrets_where(table: str, file: Path | None) -> str:
    return f"{table}, {printable(file)}" if file else table


def resolve(
    config_path: Path | str | None = None,
    *,
    source: str | None = None,
    secrets: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    home: Path | None = None,
) -> Resolved:
    """Settings + secrets + source, decided the same way for the dashboard and every command.

    ``source`` is a command-line argument (it wins). ``secrets``: the dashboard
    passes ``st.secrets``; None (a command) reads Streamlit's secrets files from
    ``cwd`` and ``home``. Raises :class:`ConfigError` (file named but missing,
    bad TOML, wrong key or value).
    """
    environ = os.environ if environ is None else environ
    cwd = cwd or Path.cwd()
    path = config_file(config_path, environ, cwd)
    secrets_from: dict[str, Path] = {}
    if secrets is None:
        secrets, secrets_from = read_local_secrets(cwd, home or Path.home())
    settings, origins = _merge(_layers(path, secrets, secrets_from, environ))
    spec, origin, where = choose_spec(source, settings, secrets, source_from=origins.get("source"), secrets_from=secrets_from)
    return Resolved(settings=settings, spec=spec, origin=origin, where=where, secrets=secrets,
                    config_file=path if path.is_file() else None)


__all__ = [
    "DEFAULT_CONFIG_PATH", "DEMO", "ENV_PREFIX", "ConfigError", "Origin", "Resolved", "Settings", "choose_spec",
    "is_printable", "load_settings", "printable", "read_local_secrets", "resolve", "secrets_files", "spreadsheet_in",
]
