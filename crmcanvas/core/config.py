"""Settings in one place: ``config/canvas.toml``, then Streamlit secrets, then ``CRMCANVAS_*`` env.

Later layers win (env over secrets over file). Everything is validated by
pydantic; a wrong key or value gives a :class:`ConfigError` naming the key and
where it came from, never a stack of pydantic internals.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from crmcanvas.core.schema import DEFAULT_DEPARTMENTS, TAB_KEYS, TABS

DEFAULT_CONFIG_PATH = Path("config/canvas.toml")
ENV_PREFIX = "CRMCANVAS_"


class ConfigError(Exception):
    """A setting is wrong. The message names the key and says what is expected."""


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str | None = Field(None, description="Chemin d'un .xlsx ou URL d'une Google Sheet ; vide = canevas de démonstration")
    refresh_seconds: int = Field(15, ge=2, le=3600, description="Fréquence de relecture de la feuille (secondes)")
    sheets_endpoint: str | None = Field(None, description="URL de base d'un serveur compatible Sheets API v4 (tests, démo hors ligne)")
    request_timeout: float = Field(20.0, gt=0, le=300, description="Délai maximal d'une requête HTTP (secondes)")
    max_retries: int = Field(4, ge=0, le=10, description="Nouvelles tentatives après 429/5xx")
    tabs: dict[str, str] = Field(default_factory=lambda: {k: TABS[k].title for k in TAB_KEYS})
    headers: dict[str, dict[str, list[str]]] = Field(default_factory=dict, description="Orthographes d'en-têtes supplémentaires par onglet")
    near_duplicate_threshold: float = Field(90.0, ge=50, le=100)
    fuzzy_cutoff: float = Field(80.0, ge=50, le=100)
    departments: list[str] = Field(default_factory=lambda: list(DEFAULT_DEPARTMENTS))
    language: Literal["fr", "en"] = "fr"

    @field_validator("tabs")
    @classmethod
    def _known_tabs(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(TAB_KEYS))
        if unknown:
            raise ValueError(f"onglet(s) inconnu(s) {unknown} ; onglets possibles : {list(TAB_KEYS)}")
        return {**{k: TABS[k].title for k in TAB_KEYS}, **{k: v.strip() for k, v in value.items()}}

    @field_validator("headers")
    @classmethod
    def _known_columns(cls, value: dict[str, dict[str, list[str]]]) -> dict[str, dict[str, list[str]]]:
        for tab, cols in value.items():
            if tab not in TABS:
                raise ValueError(f"onglet inconnu « {tab} » ; onglets possibles : {list(TAB_KEYS)}")
            unknown = sorted(set(cols) - set(TABS[tab].keys))
            if unknown:
                raise ValueError(f"colonne(s) inconnue(s) {unknown} pour « {tab} » ; colonnes possibles : {TABS[tab].keys}")
        return value

    @field_validator("source", "sheets_endpoint")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if isinstance(value, str) else value


def _env_layer(environ: Mapping[str, str]) -> dict[str, Any]:
    layer: dict[str, Any] = {}
    fields = Settings.model_fields
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or name == ENV_PREFIX + "CONFIG":
            continue
        key = name[len(ENV_PREFIX):].lower()
        if key not in fields:
            raise ConfigError(
                f"Variable d'environnement {name} inconnue ; variables possibles : "
                + ", ".join(ENV_PREFIX + k.upper() for k in fields)
            )
        annotation = str(fields[key].annotation)
        if "dict" in annotation or "list" in annotation:
            try:
                layer[key] = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{name} doit être du JSON ({exc.msg}).") from None
        else:
            layer[key] = raw
    return layer


def _file_layer(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} n'est pas un TOML valide : {exc}") from None
    return data.get("crmcanvas", data)


def load_settings(
    path: Path | str | None = None,
    *,
    secrets: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Merge file < secrets ``[crmcanvas]`` < environment, and validate."""
    environ = os.environ if environ is None else environ
    path = Path(path or environ.get(ENV_PREFIX + "CONFIG") or DEFAULT_CONFIG_PATH)
    layers: list[tuple[str, dict[str, Any]]] = [(str(path), _file_layer(path))]
    if secrets:
        section = secrets.get("crmcanvas") or {}
        layers.append(("secrets [crmcanvas]", dict(section)))
    layers.append(("environnement", _env_layer(environ)))

    merged: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for where, layer in layers:
        for key, value in layer.items():
            merged[key] = value
            origin[key] = where
    try:
        return Settings(**merged)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"]) or "?"
            top = str(err["loc"][0]) if err["loc"] else "?"
            where = origin.get(top, "?")
            if err["type"] == "extra_forbidden":
                problems.append(f"clé inconnue « {key} » ({where}) ; clés possibles : {', '.join(Settings.model_fields)}")
            else:
                problems.append(f"« {key} » ({where}) : {err['msg']}")
        raise ConfigError("Configuration invalide : " + " ; ".join(problems)) from None
