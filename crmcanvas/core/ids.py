"""Next free row IDs ("B060" -> "B061"), shared by every source that assigns IDs.

Sources compute the ID at write time, from the IDs present in the sheet at
that moment, so two people adding a need at once never get the same ID. The
new ID keeps the house style: the zero-padding width and separator most
existing IDs use ("B-07" -> "B-08"); with no ID yet, ``B001``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from crmcanvas.core.text import clean, strip_accents

DEFAULT_WIDTH = 3


def _pattern(prefix: str) -> re.Pattern[str]:
    folded = re.escape(strip_accents(prefix.strip()).casefold())
    return re.compile(rf"^{folded}\s*([-_./#]?)\s*(\d{{1,9}})$")


def next_ids(existing: Iterable[str], prefix: str, count: int) -> list[str]:
    """``count`` successive free IDs after the highest ``prefix``+number in ``existing``.

    IDs with another prefix are ignored; gaps are not reused (a deleted B007 may
    still be cited in minutes or e-mails, so B007 must not come back as
    something else).
    """
    pattern = _pattern(prefix)
    highest = 0
    widths: Counter[int] = Counter()
    separators: Counter[str] = Counter()
    for value in existing:
        match = pattern.match(strip_accents(clean(value)).casefold())
        if not match:
            continue
        separators[match.group(1)] += 1
        digits = match.group(2)
        widths[len(digits)] += 1
        highest = max(highest, int(digits))
    # Ties go to the wider width / first-seen separator: "B1, B01" -> "B02".
    width = max(widths.items(), key=lambda item: (item[1], item[0]))[0] if widths else DEFAULT_WIDTH
    separator = separators.most_common(1)[0][0] if separators else ""
    head = prefix.strip()
    return [f"{head}{separator}{highest + step:0{width}d}" for step in range(1, count + 1)]


def next_id(existing: Iterable[str], prefix: str) -> str:
    """The next free ID for ``prefix`` ("B060" present -> "B061"; none -> "B001")."""
    return next_ids(existing, prefix, 1)[0]
