"""Text normalisation shared by headers, tab names, IDs and references.

Stakeholders type the same thing many ways ("Rôles", "roles", "RÔLES ";
"E1", "E01", "e-01"; "Donateurs" for "Donateur"). Every comparison in
crmcanvas goes through these few functions so that the rules live in one place.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_INVISIBLE = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u200b": None, "\ufeff": None})
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_ID = re.compile(r"^([a-z]{1,4})\s*[-_./#]?\s*0*(\d{1,6})$")
_REF_SPLIT = re.compile(r"[,;|\n\r]+")


def clean(value: object) -> str:
    """A cell as a person reads it: no NBSP, no zero-width marks, no stray blanks."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.isascii():
        return text.strip()
    return text.translate(_INVISIBLE).strip()


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def fold(text: object) -> str:
    """Case-, accent-, spacing- and punctuation-insensitive form ("Enjeu(x) liés" -> "enjeux lies")."""
    low = strip_accents(clean(text)).casefold().replace("œ", "oe").replace("æ", "ae")
    low = low.replace("(", "").replace(")", "")
    return _NON_ALNUM.sub(" ", low).strip()


# French feminine endings -> masculine, so "Chargée d'accueil" finds the role "Chargé d'accueil"
# and "Trésorière" finds "Trésorier" (both sides of a comparison go through the same rules).
_FEMININE = (("trice", "teur"), ("euse", "eur"), ("iere", "ier"), ("enne", "en"), ("ente", "ent"), ("ee", "e"))


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("aux"):
        word = word[:-3] + "al"
    elif len(word) > 3 and word[-1] in "sx":
        word = word[:-1]
    for feminine, masculine in _FEMININE:
        if len(word) > len(feminine) + 2 and word.endswith(feminine):
            return word[: -len(feminine)] + masculine
    return word


@lru_cache(maxsize=65536)
def name_key(text: object) -> str:
    """Key for matching names: folded, singular, masculine ("Donateurs" == "donateur", "Chargées" == "chargé")."""
    return " ".join(_singular(w) for w in fold(text).split())


@lru_cache(maxsize=65536)
def id_key(text: object) -> str | None:
    """Key for an ID-shaped value ("E1" == "E01" == "e-01" == "E 1" -> "e1"), else None."""
    folded = strip_accents(clean(text)).casefold()
    match = _ID.match(folded)
    if not match:
        return None
    return f"{match.group(1)}{int(match.group(2))}"


# Words that do not tell one column from another: articles, prepositions, and the participles templates
# hang on a reference column ("Enjeux liés", "Applications concernées", "Données utilisées", "Related stakes").
# Compared after name_key, so written in their singular masculine form. "par" / "by" are not filler:
# "Exprimé par" is not "Exprimé".
HEADER_FILLER = frozenset({
    "a", "d", "l", "s", "y", "de", "du", "des", "la", "le", "les", "un", "une", "au", "aux", "et", "ou", "en",
    "dans", "sur", "pour", "avec", "ce", "cette", "son", "sa", "se", "leur", "lien",
    "lie", "concerne", "utilise", "associe", "impacte", "vise", "correspondant", "relatif", "relative",
    "principal", "principale", "gere",
    "the", "of", "an", "and", "or", "for", "in", "on", "with", "to", "its", "their",
    "related", "linked", "used", "concerned", "associated", "impacted", "involved", "relevant", "main", "managed",
})
HEADER_MAX_WORDS = 8  # past this, a cell is a sentence, not a header


@lru_cache(maxsize=16384)
def header_words(text: object) -> frozenset[str]:
    """The words of a header that name something: folded, singular, filler dropped.

    "Objets de données" -> {objet, donne}; "Rôle(s) concerné(s)" -> {role}; a
    sentence (more than ``HEADER_MAX_WORDS`` words) -> nothing.
    """
    folded = fold(text)
    if len(folded) > 20 * HEADER_MAX_WORDS:  # not worth splitting: a story, a definition
        return frozenset()
    words = folded.split()
    if len(words) > HEADER_MAX_WORDS:
        return frozenset()
    return frozenset(w for w in (_singular(w) for w in words) if w not in HEADER_FILLER)


def split_refs(cell: object) -> list[str]:
    """A reference cell may hold several references separated by , ; | or newlines."""
    return list(_split_refs(clean(cell)))


@lru_cache(maxsize=65536)
def _split_refs(cell: str) -> tuple[str, ...]:
    if not cell:
        return ()
    return tuple(part for part in (clean(p) for p in _REF_SPLIT.split(cell)) if part)



def shorten(text: object, width: int) -> str:
    """A label that fits: whitespace collapsed, cut with « … » past ``width`` characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
