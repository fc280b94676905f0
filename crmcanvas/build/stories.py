"""User-story parsing: "En tant que [rôle], je souhaite [ceci] de sorte que [cela]".

Real backlogs are written by many hands: "En tant qu’admin", "Comme commercial
je veux…", "As a donor, I want…", no commas, curly apostrophes, "US-12 :"
prefixes, quotes, a missing benefit. The parser accepts all of that and returns
``None`` only when there is no recognisable role, so the caller can say so with
a ``story_unparsed`` info (not an error: many backlogs mix styles).

``links.py`` uses :func:`parse_story` to find the role of a need whose role
column is empty; the analysis uses it to flag needs that do not follow the form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Story:
    role: str
    want: str
    benefit: str | None


_APOS = r"['’`´‘]"
_FLAGS = re.IGNORECASE | re.DOTALL

# Leading noise: bullets, quotes, dashes, then an optional ticket ID such as "US-12 :" or "[B3]".
_LEAD = re.compile(
    r"^[\s\"“”«»„'’‘`´*•·\-–—>]*"
    r"(?:\[?\s*(?:us|story|user\s+story|besoin|b|r|n°|#)?\s*[-#]?\s*\d+\s*\]?\s*[:.)\]\-–—]\s*)?"
    r"[\s\"“”«»„'’‘`´*•·\-–—]*",
    _FLAGS,
)

# How a story introduces its role.
_INTRO = (
    rf"(?:en\s+(?:tant|temps|tan)\s+qu(?:e\b|{_APOS}\s*|\s+)"  # "en temps que" is a frequent misspelling
    rf"|en\s+qualit[eé]\s+d(?:e\b|{_APOS}\s*)"
    r"|comme\b"
    r"|as\s+(?:an?\b|the\b)?"
    r")"
)
# Intros that are unambiguous enough to accept "intro role, text" without a "je souhaite".
_STRONG_INTRO = re.compile(rf"^(?:en\s+(?:tant|temps|tan)\s+qu(?:e\b|{_APOS}\s*|\s+)|en\s+qualit[eé]\s+d(?:e\b|{_APOS}\s*)|as\s+(?:an?\b|the\b))", _FLAGS)

# How a story says what the person wants. Ordered longest first inside each family.
_WANT = (
    r"(?:"
    rf"(?:moi\s*,?\s*)?je\s+(?:veu[xt](?:\s+pouvoir)?|voudrai[st]?(?:\s+pouvoir)?|souhait\w*(?:\s+pouvoir)?"
    rf"|d[eé]sir\w*|dois\s+(?:pouvoir|[eê]tre\s+(?:capable|en\s+mesure)\s+d(?:e\b|{_APOS}\s*))|dois"
    rf"|peux|pourrais|aimerai[st]?(?:\s+pouvoir)?|ai\s+besoin(?:\s+de\b|\s*d{_APOS}\s*)?|attends?"
    rf"|cherche\s+[àa])"
    rf"|j\s*{_APOS}?\s*(?:aimerai[st]?(?:\s+pouvoir)?|ai\s+besoin(?:\s+de\b|\s*d{_APOS}\s*)?|attends?)"
    r"|nous\s+(?:voulons|souhaitons|aimerions|voudrions|devons(?:\s+pouvoir)?"
    rf"|avons\s+besoin(?:\s+de\b|\s*d{_APOS}\s*)?)"
    r"|on\s+(?:veut|souhaite|voudrait|aimerait|doit\s+pouvoir)"
    r"|il\s+faut\s+que\s+je(?:\s+puisse)?"
    r"|i\s+(?:want|need|would\s+like|wish|can|must|should|expect)(?:\s+to)?(?:\s+be\s+able\s+to)?"
    rf"|i\s*{_APOS}\s*d\s+like(?:\s+to)?"
    r"|we\s+(?:want|need|would\s+like)(?:\s+to)?"
    r")\b"
)

_STORY = re.compile(
    # The role ends on a letter and the separators after it are possessive: no quadratic backtracking on junk.
    rf"^{_INTRO}\s*:?\s*(?P<role>[^\n]*?[^\s,;:–—-])[\s,;:–—-]*+(?:\b(?:et|and)\s+)?\b{_WANT}[\s:,]*(?P<rest>.*)$",
    _FLAGS,
)

# Markers of the benefit, strongest first. Lookaheads keep the subject ("so I can…") in the benefit.
_BENEFIT_STRONG = re.compile(
    r"\b(?=[dapecsi])(?:"
    rf"de\s+sorte\s+(?:que\b|qu{_APOS}\s*)|de\s+(?:fa[cç]on|mani[eè]re)\s+(?:[àa]\b|que\b|qu{_APOS}\s*)"
    rf"|afin\s+(?:de\b|d{_APOS}\s*|que\b|qu{_APOS}\s*)|pour\s+(?:que\b|qu{_APOS}\s*)|dans\s+le\s+but\s+(?:de\b|d{_APOS}\s*)"
    rf"|en\s+vue\s+(?:de\b|d{_APOS}\s*)|ce\s+qui\s+(?:me\s+|nous\s+)?permettra\s+(?:de\b|d{_APOS}\s*)"
    r"|ainsi\s*,?\s*(?=(?:je|j|nous|on|il|elle|les|le|la)\b)"
    r"|so\s+that\b|so\s*,?\s*(?=(?:i|we|they|the)\b)|in\s+order\s+(?:to|that)\b|such\s+that\b"
    r")\s*",
    _FLAGS,
)
# "pour" announces a benefit after a comma, or before a verb ("pour relancer", "pour ne plus…").
_BENEFIT_POUR_COMMA = re.compile(r"[,;:–—]\s*pour\b\s*", _FLAGS)
_BENEFIT_POUR_VERB = re.compile(
    rf"\s+pour\s+(?=(?:ne\b|n{_APOS}|mieux\b|pouvoir\b|gagner\b|[eé]viter\b"
    rf"|(?:me|se|nous|les|leur|lui|y|en)\s+\w+(?:er|ir|re|oir)\b|[mstl]{_APOS}\s*\w+(?:er|ir|re|oir)\b"
    r"|(?!(?:notre|votre|autre|leur|premier|dernier|entier|quartier|dossier|fichier|papier|courrier|calendrier|ordre|titre|chiffre|membre|offre|centre|lettre|cadre)\b)\w+(?:er|ir|re|oir)\b))",
    _FLAGS,
)
# English "to" after a want is part of the want ("I want to export…"), never a benefit marker.

_ROLE_ARTICLE = re.compile(rf"^(?:un|une|le|la|les|des|du|de\s+la|l{_APOS}\s*|a|an|the)\s+|^l{_APOS}\s*", re.IGNORECASE)
_WRAP = " \t\n\"“”«»„'’‘`´*[](){}<>"
_TRIM = " \t\n,;:.!?–—-\"“”«»„'’‘`´"
_SPACES = re.compile(r"\s+")
_BLANKS = re.compile(r"[^\S\n]+")  # runs of spaces and tabs, not newlines
MAX_ROLE_WORDS = 12


def _clean_role(raw: str) -> str:
    role = raw.strip(_WRAP + ",;:")
    if "," in role:  # "commercial, en déplacement" -> the role, not its circumstance
        role = role.split(",", 1)[0]
    role = _ROLE_ARTICLE.sub("", role.strip(_WRAP)).strip(_WRAP + ",;:.")
    return _SPACES.sub(" ", role)


def _split_benefit(rest: str) -> tuple[str, str | None]:
    for pattern in (_BENEFIT_STRONG, _BENEFIT_POUR_COMMA, _BENEFIT_POUR_VERB):
        match = pattern.search(rest)
        if match and rest[: match.start()].strip(_TRIM):
            return rest[: match.start()].strip(_TRIM), (rest[match.end():].strip(_TRIM) or None)
    return rest.strip(_TRIM), None


def _normalise(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u200b", "")
    text = _BLANKS.sub(" ", text).strip()
    lead = _LEAD.match(text)
    return text[lead.end():] if lead else text


@lru_cache(maxsize=65536)
def parse_story(text: str) -> Story | None:
    """Role, want and benefit of a user story, or None when no role can be found.

    Cached: the canvas is re-read every few seconds and most stories have not changed.
    """
    if not text or not text.strip():
        return None
    body = _normalise(text)
    match = _STORY.match(body)
    if match:
        role, rest = match.group("role"), match.group("rest")
    else:
        strong = _STRONG_INTRO.match(body)
        if not strong or "," not in body[strong.end():]:
            return None
        role, rest = body[strong.end():].split(",", 1)
    role = _clean_role(role)
    if not role or len(role.split()) > MAX_ROLE_WORDS:
        return None
    want, benefit = _split_benefit(_SPACES.sub(" ", rest))
    if not want:
        return None
    if want.lower().startswith("to "):
        want = want[3:].strip()
    return Story(role=role, want=want, benefit=benefit)

