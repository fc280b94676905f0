"""Findings that need the whole canvas, not one cell: stories, near-duplicate needs, self-exchanges.

The pipeline appends them to ``canvas.findings`` right after loading, so the
data-quality page lists them with the others. "Active need" is one rule,
:func:`crmcanvas.core.canvas.is_active_need`.
"""

from __future__ import annotations

from crmcanvas.build.answers import answer_findings
from crmcanvas.build.duplicates import DuplicateGroup, DuplicateSearch, find_near_duplicates
from crmcanvas.build.stories import parse_story
from crmcanvas.core.canvas import ROW, Canvas
from crmcanvas.core.config import Settings
from crmcanvas.core.findings import Finding, finding
from crmcanvas.core.schema import TABS
from crmcanvas.core.text import id_key, name_key, shorten, split_refs
from crmcanvas.i18n import join, msg, t

LISTED = 8  # members of a near-duplicate group named in its message (the value lists up to 20 IDs)



def _title(canvas: Canvas, tab: str) -> str:
    return canvas.tab_titles.get(tab, tab)


def _header(canvas: Canvas, column: str, lang: str, tab: str = "besoins") -> str:
    return canvas.headers.get(tab, {}).get(column) or TABS[tab].column(column).label_in(lang)


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


def near_duplicate_search(canvas: Canvas, settings: Settings | None = None) -> DuplicateSearch:
    """Groups of active needs whose texts are almost the same (threshold from the settings)."""
    settings = settings or Settings()
    needs = canvas.frames["besoins"]
    active = set(canvas.active_need_ids())
    pairs = [(rid, text) for rid, text in zip(needs["id"].tolist(), needs["besoin"].tolist(), strict=True) if rid in active]
    return find_near_duplicates([p[0] for p in pairs], [p[1] for p in pairs], settings.near_duplicate_threshold)


def _group_finding(canvas: Canvas, group: DuplicateGroup, rows: dict[str, int], lang: str) -> Finding:
    first, second = group.members[0], group.members[1]
    score = f"{group.score:.0f}"
    if len(group.members) == 2:
        message = msg("findings.near_duplicate", first=first, first_row=rows[first], second=second,
                      second_row=rows[second], score=score)
    else:
        named = [t("findings_canvas.need_at_row", lang, id=rid, row=rows[rid]) for rid in group.members[:LISTED]]
        hidden = len(group.members) - LISTED
        if hidden > 0:
            named.append(t("findings_canvas.near_duplicate_others", lang, count=hidden))
        message = msg("findings_canvas.near_duplicate_group", count=len(group.members), members=join(named, lang), score=score)
    value = " / ".join(group.members[:20]) + (" / …" if len(group.members) > 20 else "")
    return finding("near_duplicate", message, lang=lang, tab=_title(canvas, "besoins"), row=int(rows[second]),
                   column=_header(canvas, "besoin", lang), value=value, suggestion=msg("findings.near_duplicate_hint", first=first))


def near_duplicate_findings(canvas: Canvas, settings: Settings | None = None) -> list[Finding]:
    """One warning per group of near-identical needs; one info when the search had to stop comparing."""
    settings = settings or Settings()
    lang = settings.language
    needs = canvas.frames["besoins"]
    rows = dict(zip(needs["id"].tolist(), needs[ROW].tolist(), strict=True))
    search = near_duplicate_search(canvas, settings)
    out = [_group_finding(canvas, group, rows, lang) for group in search.groups]
    if search.capped:
        out.append(finding(
            "near_duplicate_capped", msg("findings_canvas.near_duplicate_capped", compared=_count(search.compared, lang)),
            lang=lang, tab=_title(canvas, "besoins"), column=_header(canvas, "besoin", lang),
            suggestion=msg("findings_canvas.near_duplicate_capped_hint"),
        ))
    return out


def _count(n: int, lang: str) -> str:
    """12 345 in French (narrow no-break space), 12,345 in English."""
    return f"{n:,}".replace(",", "\u202f" if lang == "fr" else ",")


def self_exchange_findings(canvas: Canvas, lang: str = "fr") -> list[Finding]:
    """One warning per application whose Échanges cell names the application itself.

    An interface goes from one application to another: a self-reference is a
    slip (a copied row, the wrong ID) that would otherwise make the application
    look connected and hide it from the applications nothing uses.
    """
    edges = canvas.edges
    if edges is None or not len(edges):
        return []
    selfish = edges.loc[(edges["source_tab"] == "applications") & (edges["relation"] == "echange")
                        & (edges["target_tab"] == "applications") & (edges["source_id"] == edges["target_id"]), "source_id"]
    if selfish.empty:
        return []
    apps = canvas.frames["applications"]
    wanted = set(selfish.tolist())
    header = _header(canvas, "echanges", lang, tab="applications")
    out = []
    for rid, name, cell, row in zip(apps["id"].tolist(), apps["application"].tolist(), apps["echanges"].tolist(), apps[ROW].tolist(),
                                    strict=True):
        if rid not in wanted:
            continue
        refs = split_refs(cell)
        others = [ref for ref in refs if not _names_itself(ref, rid, name)]
        out.append(finding(
            "self_exchange", msg("findings_canvas.self_exchange", id=rid, name=name or rid, row=row, column=header),
            lang=lang, tab=_title(canvas, "applications"), row=int(row), column=header, value=cell,
            suggestion=msg("findings_canvas.self_exchange_hint", id=rid), fix=", ".join(others) if others and len(others) < len(refs) else None,
        ))
    return out


def _names_itself(ref: str, rid: str, name: str) -> bool:
    key = id_key(ref)
    return (key is not None and key == id_key(rid)) or (bool(name) and name_key(ref) == name_key(name))


def whole_canvas_findings(canvas: Canvas, settings: Settings) -> list[Finding]:
    """Findings that need the whole canvas (unparsed stories, near-duplicate needs, self-exchanges, vendors' answers)."""
    return (unparsed_story_findings(canvas, settings.language) + near_duplicate_findings(canvas, settings)
            + self_exchange_findings(canvas, settings.language) + answer_findings(canvas, settings.language))
