"""The dashboard's words: the ``ui.*`` part of the one catalogue (:mod:`crmcanvas.i18n`)."""

from __future__ import annotations

from typing import Any

from crmcanvas.i18n import DEFAULT_LANG
from crmcanvas.i18n import t as _t


def t(key: str, lang: str = DEFAULT_LANG, **kwargs: Any) -> str:
    """A screen message (``ui.<key>``) in ``lang``."""
    return _t(f"ui.{key}", lang, **kwargs)


def severity_labels(lang: str = DEFAULT_LANG) -> dict[str, str]:
    """error / warning / info as the reader says them."""
    return {sev: _t(f"common.severity.{sev}", lang) for sev in ("error", "warning", "info")}
