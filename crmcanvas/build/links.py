"""Reference cells -> one edge table, plus the references that did not resolve.

A reference matches an ID ("E1" = "E01" = "e-01") or a name (case, accent,
spacing and plural-insensitive). What does not match becomes an
``unresolved_reference`` finding with a "did you mean" from rapidfuzz, so a
typo never silently drops a link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz import fuzz, process

from crmcanvas.build.stories import parse_story
from crmcanvas.core.canvas import DANGLING_COLUMNS, EDGE_COLUMNS, ROW, Canvas
from crmcanvas.core.config import Settings
from crmcanvas.core.findings import Finding, finding
from crmcanvas.core.schema import TABS
from crmcanvas.core.text import fold, id_key, name_key, split_refs
from crmcanvas.i18n import Text, msg, t


@dataclass
class _Index:
    """Lookup tables of one target tab."""

    tab: str
    by_id: dict[str, str] = field(default_factory=dict)  # id_key or folded id -> id
    by_name: dict[str, str] = field(default_factory=dict)  # name_key -> id
    choices: dict[str, str] = field(default_factory=dict)  # name_key -> display label (for suggestions)
    label_of: dict[str, str] = field(default_factory=dict)  # id -> label


def _build_index(canvas: Canvas, tab: str) -> _Index:
    frame = canvas.frames[tab]
    index = _Index(tab)
    labels = canvas.labels(tab)
    extra: dict[str, list[str]] = {}
    if tab == "personnes":  # people are named "Prénom Nom", "Nom Prénom", by e-mail or by surname
        for rid, first, last, email in zip(frame["id"], frame["prenom"], frame["nom"], frame["email"], strict=True):
            extra[rid] = [f"{last} {first}", email, last]
    for rid, label in labels.items():
        index.by_id.setdefault(id_key(rid) or fold(rid), rid)
        index.label_of[rid] = label
        for alias in [label, *extra.get(rid, ())]:
            key = name_key(alias)
            if key:
                index.by_name.setdefault(key, rid)
                index.choices.setdefault(key, label)
    return index


class Resolver:
    """Resolves reference strings against one or more tabs, with a cache (10k needs share few refs)."""

    def __init__(self, canvas: Canvas, settings: Settings):
        self.canvas = canvas
        self.cutoff = settings.fuzzy_cutoff
        self.lang = settings.language
        self._indexes: dict[str, _Index] = {}
        self._cache: dict[tuple[tuple[str, ...], str], tuple[str, str] | None] = {}
        self._suggest_cache: dict[tuple[tuple[str, ...], str], tuple[Text | None, str | None]] = {}

    def index(self, tab: str) -> _Index:
        if tab not in self._indexes:
            self._indexes[tab] = _build_index(self.canvas, tab)
        return self._indexes[tab]

    def resolve(self, ref: str, targets: tuple[str, ...]) -> tuple[str, str] | None:
        key = (targets, ref)
        if key not in self._cache:
            self._cache[key] = self._resolve(ref, targets)
        return self._cache[key]

    def _resolve(self, ref: str, targets: tuple[str, ...]) -> tuple[str, str] | None:
        ikey = id_key(ref)
        for tab in targets:
            idx = self.index(tab)
            hit = idx.by_id.get(ikey) if ikey else idx.by_id.get(fold(ref))
            if hit is None:
                hit = idx.by_name.get(name_key(ref))
            if hit is not None:
                return tab, hit
        return None

    def suggest(self, ref: str, targets: tuple[str, ...]) -> tuple[Text | None, str | None]:
        """(what to tell the user, the replacement for ``ref`` when there is a clear one)."""
        key = (targets, ref)
        if key not in self._suggest_cache:
            self._suggest_cache[key] = self._suggest(ref, targets)
        return self._suggest_cache[key]

    def _suggest(self, ref: str, targets: tuple[str, ...]) -> tuple[Text | None, str | None]:
        ikey = id_key(ref)
        if ikey:
            for other, spec in TABS.items():
                if other not in targets and ikey in self.index(other).by_id and ikey[0] == spec.id_prefix.lower():
                    return msg("findings.id_in_wrong_column", ref=ref, tab=spec.label_in(self.lang).lower()), None
        best: tuple[float, str, str] | None = None
        for tab in targets:
            idx = self.index(tab)
            if not idx.choices:
                continue
            match = process.extractOne(name_key(ref), list(idx.choices), scorer=fuzz.ratio, score_cutoff=self.cutoff)
            if match and (best is None or match[1] > best[0]):
                rid = idx.by_name[match[0]]
                best = (match[1], idx.choices[match[0]], rid)
        if best:
            _, label, rid = best
            quote = t("common.quoted", self.lang, text=label)
            shown = quote if label == rid else f"{quote} ({rid})"
            return msg("findings.did_you_mean_ref", shown=shown), (rid if id_key(ref) else label)
        if ikey:
            known = [rid for tab in targets for rid in self.index(tab).label_of if id_key(rid)]
            if known:
                return msg("findings.unknown_id", known=", ".join(known[:8]) + ("…" if len(known) > 8 else "")), None
        return None, None


def _replace_ref(cell: str, ref: str, replacement: str) -> str:
    """The cell with one reference corrected, the others and their separators untouched."""
    pattern = re.compile(r"(^|[,;|\n\r]\s*)" + re.escape(ref) + r"(?=\s*(?:[,;|\n\r]|$))")
    return pattern.sub(lambda m: m.group(1) + replacement, cell, count=1)


def _role_from_story(text: str) -> str | None:
    story = parse_story(text)  # the parser already drops articles ("un bénévole" -> "bénévole")
    return story.role if story and story.role else None


def link_canvas(canvas: Canvas, settings: Settings) -> None:
    """Fill canvas.edges and canvas.dangling, and add unresolved-reference findings."""
    resolver = Resolver(canvas, settings)
    lang = settings.language
    edges: list[tuple[str, str, str, str, str]] = []
    dangling: list[tuple] = []
    findings: list[Finding] = []

    for tab_key, tab in TABS.items():
        frame = canvas.frames[tab_key]
        if frame.empty:
            continue
        title = canvas.tab_titles.get(tab_key, tab.title)
        headers = canvas.headers.get(tab_key, {})
        ids = frame["id"].tolist()
        rows = frame[ROW].tolist()
        for col in tab.columns:
            if col.kind != "ref":
                continue
            story_roles = tab_key == "besoins" and col.key == "role"
            if col.key not in headers and not story_roles:
                continue
            cells = frame[col.key].tolist()
            relation = col.relation or col.key  # every reference column names its relation in the schema
            stories: list[str] | None = frame["besoin"].tolist() if story_roles else None
            header = headers.get(col.key, col.label_in(lang))
            for i, cell in enumerate(cells):
                refs = split_refs(cell)
                column_label = header
                from_story = not refs and stories is not None
                if stories is not None and from_story:
                    parsed = _role_from_story(stories[i])
                    refs = [parsed] if parsed else []
                    column_label = t("findings.role_from_story", lang, header=headers.get("besoin", TABS["besoins"].column("besoin").label_in(lang)))
                for ref in refs:
                    hit = resolver.resolve(ref, col.targets)
                    if hit is not None:
                        edges.append((tab_key, ids[i], relation, hit[0], hit[1]))
                        continue
                    hint, replacement = resolver.suggest(ref, col.targets)
                    target_label = t("common.or", lang).join(TABS[x].label_in(lang).lower() for x in col.targets)
                    fix = _replace_ref(cell, ref, replacement) if replacement and not from_story else None
                    if hint is None:
                        hint = msg("findings.unresolved_reference_hint", ref=ref, target=target_label)
                    rendered = hint.render(lang)
                    dangling.append((tab_key, ids[i], relation, col.targets[0], ref, rendered, rows[i], column_label))
                    findings.append(finding(
                        "unresolved_reference",
                        msg("findings.unresolved_reference", ref=ref, column=column_label, row=rows[i], target=target_label),
                        lang=lang, tab=title, row=rows[i], column=column_label, value=ref, suggestion=rendered, fix=fix,
                    ))

    # duplicates dropped first (the first kept, as drop_duplicates does), then one construction as text
    canvas.edges = pd.DataFrame(list(dict.fromkeys(edges)), columns=EDGE_COLUMNS, dtype="str")
    dangling_frame = pd.DataFrame(dangling, columns=DANGLING_COLUMNS)
    canvas.dangling = dangling_frame
    canvas.findings.extend(findings)
