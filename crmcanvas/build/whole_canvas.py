"""Findings that need the whole canvas, not one cell: needs not written as stories, near-duplicate needs.

The pipeline appends them to ``canvas.findings`` right after loading, so the
data-quality page lists them with the others. "Active need" is one rule,
:func:`crmcanvas.core.canvas.is_active_need`.
"""

from __future__ import annotations

from crmcanvas.build.duplicates import DuplicatePair, find_near_duplicates
from crmcanvas.build.stories import parse_story
from crmcanvas.core.canvas import ROW, Canvas
from crmcanvas.core.config import Settings
from crmcanvas.core.findings import Finding, finding
from crmcanvas.core.schema import TABS
from crmcanvas.core.text import shorten
from crmcanvas.i18n import msg


def _title(canvas: Canvas, tab: str) -> str:
    return canvas.tab_titles.get(tab, tab)


def _header(canvas: Canvas, column: str, lang: str) -> str:
    return canvas.headers.get("besoins", {}).get(column) or TABS["besoins"].column(column).label_in(lang)


def unparsed_story_findings(canvas: Canvas, lang: str = "fr") -> list[Finding]:
    """One info per need whose text is not a user story (a role cannot be read from it)."""
    needs = canvas.frames["besoins"]
    header, role_header = _header(canvas, "besoin", lang), _header(canvas, "role", lang)
    out = []
    for rid, text, row, role in zip(needs["id"], needs["besoin"], needs[ROW], needs["role"], strict=True):
        if not text.strip() or parse_story(text) is not None:
            continue
        no_role = not role.strip()
        out.append(finding(
            "story_unparsed",
            msg("findings.story_unparsed_no_role" if no_role else "findings.story_unparsed", id=rid, row=row),
            lang=lang, tab=_title(canvas, "besoins"), row=int(row), column=header, value=shorten(text, 80),
            suggestion=msg("findings.story_unparsed_hint_no_role", role_header=role_header) if no_role else msg("findings.story_unparsed_hint"),
        ))
    return out


def near_duplicate_pairs(canvas: Canvas, settings: Settings | None = None) -> list[DuplicatePair]:
    """Pairs of active needs whose texts are almost the same (threshold from the settings)."""
    settings = settings or Settings()
    needs = canvas.frames["besoins"]
    active = set(canvas.active_need_ids())
    pairs = [(rid, text) for rid, text in zip(needs["id"].tolist(), needs["besoin"].tolist(), strict=True) if rid in active]
    return find_near_duplicates([p[0] for p in pairs], [p[1] for p in pairs], settings.near_duplicate_threshold)


def near_duplicate_findings(canvas: Canvas, settings: Settings | None = None) -> list[Finding]:
    settings = settings or Settings()
    lang = settings.language
    needs = canvas.frames["besoins"]
    rows = dict(zip(needs["id"], needs[ROW], strict=True))
    header = _header(canvas, "besoin", lang)
    out = []
    for pair in near_duplicate_pairs(canvas, settings):
        out.append(finding(
            "near_duplicate",
            msg("findings.near_duplicate", first=pair.first, first_row=rows[pair.first], second=pair.second,
                second_row=rows[pair.second], score=f"{pair.score:.0f}"),
            lang=lang, tab=_title(canvas, "besoins"), row=int(rows[pair.second]), column=header, value=f"{pair.first} / {pair.second}",
            suggestion=msg("findings.near_duplicate_hint", first=pair.first),
        ))
    return out


def whole_canvas_findings(canvas: Canvas, settings: Settings) -> list[Finding]:
    """Findings that need the whole canvas (unparsed stories, near-duplicate needs)."""
    return unparsed_story_findings(canvas, settings.language) + near_duplicate_findings(canvas, settings)
