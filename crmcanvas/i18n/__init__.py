"""One message catalogue for every word a user reads, in French (first) and English.

The catalogue is a set of TOML files next to this module, one per area
(``findings.toml``, ``ui.toml``, ``cli.toml``…). Each message sits with both of
its languages, so a translator sees them side by side and a missing one shows:

.. code-block:: toml

    [missing_tab]
    fr = "Onglet « {title} » introuvable."
    en = "Tab “{title}” not found."

The key of that message is ``findings.missing_tab`` (file stem, then the
dotted path of tables). Code never writes user-facing text itself: it names a
key and its parameters, either rendered at once with :func:`t` or carried as a
:class:`Text` and rendered later in the reader's language (a source error is
raised deep in a source that does not know who will read it).

Context variants: a message may have a variant for one place it is read in,
written ``[key.cli]`` / ``[key.dashboard]``; ``t(key, lang, context="cli")``
takes it when it exists (a one-shot command must not promise "the dashboard
keeps the last version"), else the plain message.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

Lang = Literal["fr", "en"]
LANGUAGES: tuple[Lang, ...] = ("fr", "en")
DEFAULT_LANG: Lang = "fr"
CONTEXTS = ("cli", "dashboard")
_HERE = Path(__file__).parent


class MissingMessage(KeyError):
    """A key the catalogue does not have: a bug in the code, caught by the catalogue tests."""


def _leaves(prefix: str, table: Mapping[str, Any], out: dict[str, dict[str, str]]) -> None:
    if any(lang in table for lang in LANGUAGES):
        out[prefix] = {lang: str(table[lang]) for lang in LANGUAGES if lang in table}
    for name, value in table.items():
        if isinstance(value, Mapping):
            _leaves(f"{prefix}.{name}", value, out)


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every message: key -> {"fr": ..., "en": ...}, loaded once from the TOML files."""
    out: dict[str, dict[str, str]] = {}
    for path in sorted(_HERE.glob("*.toml")):
        with path.open("rb") as fh:
            _leaves(path.stem, tomllib.load(fh), out)
    return out


def has(key: str) -> bool:
    return key in catalogue()


def t(key: str, lang: str = DEFAULT_LANG, /, *, context: str | None = None, **params: Any) -> str:
    """The message ``key`` in ``lang`` with its ``{placeholders}`` filled.

    Parameters that are themselves :class:`Text` are rendered in the same
    language (a tuple of them: each, joined by « ; »). French stands in for a missing translation (the catalogue test
    forbids that in the shipped files, but a user's extra key must not crash).
    """
    messages = catalogue()
    entry = messages.get(f"{key}.{context}") if context else None
    if entry is None:
        entry = messages.get(key)
    if entry is None:
        raise MissingMessage(key)
    text = entry.get(lang) or entry[DEFAULT_LANG]
    if not params:
        return text
    rendered = {name: _rendered(value, lang, context) for name, value in params.items()}
    return text.format(**rendered)


def _rendered(value: Any, lang: str, context: str | None) -> Any:
    if isinstance(value, Text):
        return value.render(lang, context=context)
    if isinstance(value, tuple) and value and all(isinstance(v, Text) for v in value):
        return "; ".join(v.render(lang, context=context) for v in value)
    return value


@dataclass(frozen=True)
class Text:
    """A message still to be rendered: a catalogue key and its parameters."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)

    def render(self, lang: str = DEFAULT_LANG, *, context: str | None = None) -> str:
        return t(self.key, lang, context=context, **self.params)

    def __str__(self) -> str:
        return self.render()


def msg(key: str, /, **params: object) -> Text:
    """Shorthand for ``Text(key, params)``, checked at once so a typo fails where it is written."""
    if key not in catalogue():
        raise MissingMessage(key)
    return Text(key, params)


def join(items: list[str], lang: str = DEFAULT_LANG) -> str:
    """« a, b et c » / "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + t("common.and", lang) + items[-1]


__all__ = ["DEFAULT_LANG", "LANGUAGES", "Lang", "MissingMessage", "Text", "catalogue", "has", "join", "msg", "t"]
