"""User-story parsing: "En tant que [rôle], je souhaite [ceci] de sorte que [cela]".

Minimal first version (the analysis work improves it); links.py uses
``parse_story`` to find the role of a need whose role column is empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Story:
    role: str
    want: str
    benefit: str | None


_PATTERN = re.compile(
    r"^\s*(?:en\s+tant\s+qu(?:e\s+|['’]\s*)|comme\s+|as\s+an?\s+)(?P<role>.+?)\s*,?\s*"
    r"(?:je\s+souhaite|je\s+veux|j['’]aimerais|je\s+dois\s+pouvoir|i\s+want|i\s+need)\s+(?P<rest>.+)$",
    re.IGNORECASE | re.DOTALL,
)
_BENEFIT = re.compile(r"\s*,?\s*\b(?:de\s+sorte\s+que|afin\s+de|afin\s+que|so\s+that|in\s+order\s+to)\b\s*", re.IGNORECASE)


def parse_story(text: str) -> Story | None:
    match = _PATTERN.match(text or "")
    if not match:
        return None
    parts = _BENEFIT.split(match.group("rest"), maxsplit=1)
    benefit = parts[1].strip(" .") if len(parts) > 1 else None
    return Story(role=match.group("role").strip(" ,"), want=parts[0].strip(" ,."), benefit=benefit or None)
