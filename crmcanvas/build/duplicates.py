"""Near-duplicate needs: the same need captured twice in two workshops.

Comparing every pair of 10,000 needs is 50 million comparisons, far too slow
for a dashboard that re-reads the sheet every few seconds. We only score pairs
that *could* reach the threshold, found in three steps:

1. Prefix filtering (Bayardo et al.; the l-prefix scheme of AdaptJoin). Each
   text becomes a set of meaningful word stems (stop words and plural removed,
   cut to ``STEM`` letters) ordered from rarest to most common. Two texts whose
   stem sets have Jaccard >= ``MIN_JACCARD`` — true of near-duplicates in
   practice: a typo or a reworded word changes one stem of many — share an
   l-combination of their few rarest stems (l up to ``MAX_LEVEL``), so texts
   are grouped by those combinations, which stay selective even when a backlog
   repeats the same phrases. All the pairing is numpy.
2. Two exact bounds on rapidfuzz's ratio discard most candidates: a length
   bound and a character-count bound (the longest common subsequence cannot
   exceed the characters both texts share).
3. The survivors are scored in C with ``rapidfuzz.process.cpdist``: ratio, and
   ratio on sorted words (reordered sentences).

The comparison ignores the story scaffolding ("en tant que… je souhaite… de
sorte que") that every story shares. Known blind spot: two very short needs
(one or two meaningful words) that differ by a typo in a word's first letters.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from itertools import combinations

import numpy as np
from rapidfuzz import fuzz, process

from crmcanvas.build.stories import parse_story
from crmcanvas.core.text import fold

MIN_JACCARD = Fraction(3, 5)
STEM = 6  # letters kept per word: light stemming, and a typo late in a long word is forgiven
MAX_LEVEL = 4  # texts are grouped by up to 4 shared rare stems
# Words that carry no meaning for "is this the same need" (French and English), after fold().
STOP_WORDS = frozenset(
    """
    au aux avec ce ces cet cette dans de des du elle en et est etre il ils je la le les leur leurs lui ma mais me
    mes moi mon ne nos notre nous on ou par pas plus pour qu que qui sa sans se ses si son sur ta te tes toi ton tous
    tout toute toutes tu un une vos votre vous
    an and are as at be by can for from has have in is it its my of on or our so that the their them to we with you your
    souhaite veux voudrais aimerais dois pouvoir peux puisse want need would like able
    """.split()
)


@dataclass(frozen=True)
class DuplicatePair:
    first: str  # ID of the need that comes first in the sheet
    second: str
    score: float  # 0-100 (rapidfuzz ratio or token-sort ratio, the higher)


def comparable_text(text: str) -> str:
    """The part of a need that says what is wanted: role + want + benefit, folded."""
    story = parse_story(text)
    if story is not None:
        text = " ".join(p for p in (story.role, story.want, story.benefit or "") if p)
    return fold(text)


def _stems(text: str) -> list[str]:
    """Meaningful words, singular, cut to ``STEM`` letters ("exporter", "exportez" -> "export")."""
    stems = {(w[:-1] if len(w) > 3 and w[-1] in "sx" else w)[:STEM] for w in text.split() if len(w) > 2 and w not in STOP_WORDS}
    return sorted(stems) or ([text] if text else [])


def _sorted_unique(codes: np.ndarray) -> np.ndarray:
    """np.unique, by sorting: numpy 2.4's hash-based np.unique is ~50x slower on millions of int64."""
    codes = np.sort(codes)
    return codes[np.r_[True, codes[1:] != codes[:-1]]] if codes.size else codes


@lru_cache(maxsize=512)
def _upper_pairs(m: int) -> tuple[np.ndarray, np.ndarray]:
    return np.triu_indices(m, k=1)


@lru_cache(maxsize=256)
def _positions(prefix: int, level: int) -> np.ndarray:
    return np.asarray(list(combinations(range(prefix), level)), dtype=np.int64).reshape(-1, level)


@lru_cache(maxsize=1024)
def _overlap(size: int) -> int:
    return math.ceil(MIN_JACCARD * size)  # Fraction: exact, no 0.6 * 5 = 3.0000000000000004


def _keys(rows: dict[tuple[int, int], list[tuple[int, list[int]]]], base: int) -> tuple[np.ndarray, np.ndarray]:
    """(key codes, texts): every ``level``-combination of each text's ``prefix`` rarest stems, as one int."""
    codes: list[np.ndarray] = []
    texts: list[np.ndarray] = []
    for (prefix, level), items in rows.items():
        ranks = np.asarray([ordered[:prefix] for _, ordered in items], dtype=np.int64)
        chosen = ranks[:, _positions(prefix, level)]  # (texts, combinations, level)
        weights = base ** np.arange(level - 1, -1, -1, dtype=np.int64)
        codes.append((chosen * weights).sum(axis=2).ravel())
        texts.append(np.repeat(np.asarray([r for r, _ in items], dtype=np.int64), chosen.shape[1]))
    if not codes:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.concatenate(codes), np.concatenate(texts)


def _pairs_sharing_a_key(owner_codes: np.ndarray, owner_texts: np.ndarray, guest_codes: np.ndarray,
                         guest_texts: np.ndarray, n: int) -> list[np.ndarray]:
    """Pair codes a * n + b of owners sharing a key, and of guests with owners of the same key."""
    order = np.argsort(owner_codes, kind="stable")
    codes, texts = owner_codes[order], owner_texts[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    sizes = np.diff(np.r_[starts, len(codes)])
    out: list[np.ndarray] = []
    for m in sorted(set(sizes[sizes > 1].tolist())):
        block = texts[starts[sizes == m][:, None] + np.arange(m)]  # (groups, m)
        left, right = _upper_pairs(m)
        a, b = block[:, left].ravel(), block[:, right].ravel()
        out.append(np.minimum(a, b) * n + np.maximum(a, b))
    if guest_codes.size and codes.size:
        keys = codes[starts]
        where = np.clip(np.searchsorted(keys, guest_codes), 0, len(keys) - 1)
        hit = keys[where] == guest_codes
        where, guests = where[hit], guest_texts[hit]
        counts = sizes[where]
        first = np.repeat(starts[where], counts)
        step = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        a, b = np.repeat(guests, counts), texts[first + step]
        out.append(np.minimum(a, b) * n + np.maximum(a, b))
    return out


def _candidate_pairs(stem_lists: list[list[str]]) -> np.ndarray:
    """Sorted unique codes ``a * n + b`` (a < b) of the pairs worth scoring.

    A text of L stems must share ``overlap = ceil(MIN_JACCARD * L)`` of them with
    any near-duplicate. Its *level* is ``min(MAX_LEVEL, overlap)``: at level l,
    two texts with Jaccard >= MIN_JACCARD share an l-combination of their
    ``L - overlap + l`` rarest stems. A text *owns* its level's keys and is a
    *guest* at lower levels (only when short enough to resemble a text of that
    level); pairs are owner-owner and owner-guest. All the pairing is numpy.
    """
    n = len(stem_lists)
    df = Counter(t for stems in stem_lists for t in stems)
    rank = {t: i for i, t in enumerate(sorted(df, key=lambda t: (df[t], t)))}  # 0 = rarest
    base = len(rank) + 1
    max_level = MAX_LEVEL
    while max_level > 1 and base ** max_level >= 2**62:  # keys must fit in int64
        max_level -= 1
    longest_at = [0] * (max_level + 1)  # longest text owning each level
    for stems in stem_lists:
        level = min(max_level, _overlap(len(stems)))
        longest_at[level] = max(longest_at[level], len(stems))
    owners: dict[int, dict[tuple[int, int], list[tuple[int, list[int]]]]] = defaultdict(lambda: defaultdict(list))
    guests: dict[int, dict[tuple[int, int], list[tuple[int, list[int]]]]] = defaultdict(lambda: defaultdict(list))
    for r, stems in enumerate(stem_lists):
        ordered = sorted(rank[t] for t in stems)
        size = len(ordered)
        overlap = _overlap(size)
        level = min(max_level, overlap)
        owners[level][(size - overlap + level, level)].append((r, ordered))
        for lower in range(1, level):
            if _overlap(size) <= longest_at[lower]:  # Jaccard >= J needs min size >= J * max size
                guests[lower][(size - overlap + lower, lower)].append((r, ordered))
    out: list[np.ndarray] = []
    for level, rows in owners.items():
        owner_codes, owner_texts = _keys(rows, base)
        guest_codes, guest_texts = _keys(guests.get(level, {}), base)
        out.extend(_pairs_sharing_a_key(owner_codes, owner_texts, guest_codes, guest_texts, n))
    if not out:
        return np.empty(0, dtype=np.int64)
    return _sorted_unique(np.concatenate(out))


_CHAR_CODES = np.full(256, 36, dtype=np.int64)  # folded text is [0-9a-z ]; anything else shares one bin
_CHAR_CODES[np.frombuffer(b"abcdefghijklmnopqrstuvwxyz0123456789", dtype=np.uint8)] = np.arange(36)
_BINS = 37


def _plausible(strings: list[str], left: np.ndarray, right: np.ndarray, threshold: float,
               chunk: int = 200_000) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs that can still reach ``threshold``, by two exact upper bounds.

    rapidfuzz's ratio is 200 * LCS / (len_a + len_b), and the LCS is at most the
    smaller length and at most the characters both strings have in common
    (counted with multiplicity). Both bounds also hold for the token-sort ratio
    (same characters, same length). The character counts are one numpy bincount.
    """
    lengths = np.fromiter((len(s) for s in strings), dtype=np.int64, count=len(strings))
    need = threshold / 200.0 * (lengths[left] + lengths[right])
    keep = np.minimum(lengths[left], lengths[right]) >= need
    left, right, need = left[keep], right[keep], need[keep]
    if left.size == 0:
        return left, right
    data = np.frombuffer("".join(strings).encode("ascii", "replace"), dtype=np.uint8)
    rows = np.repeat(np.arange(len(strings), dtype=np.int64), lengths)
    counts = np.bincount(rows * _BINS + _CHAR_CODES[data], minlength=len(strings) * _BINS).reshape(len(strings), _BINS)
    counts = counts.astype(np.int16)
    keep = np.empty(left.size, dtype=bool)
    for k in range(0, left.size, chunk):
        common = np.minimum(counts[left[k:k + chunk]], counts[right[k:k + chunk]]).sum(axis=1)
        keep[k:k + chunk] = common >= need[k:k + chunk]
    return left[keep], right[keep]


def find_near_duplicates(ids: Sequence[str], texts: Sequence[str], threshold: float = 90.0) -> list[DuplicatePair]:
    """Pairs of needs whose texts score ``threshold`` or more, in sheet order.

    Identical texts (after folding) are reported as pairs with the first one.
    """
    if len(ids) != len(texts):
        raise ValueError("ids and texts must have the same length")
    pairs: list[DuplicatePair] = []
    groups: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        key = comparable_text(text)
        if key:
            groups.setdefault(key, []).append(i)
    reps: list[int] = []
    strings: list[str] = []
    for key, members in groups.items():
        pairs.extend(DuplicatePair(ids[members[0]], ids[m], 100.0) for m in members[1:])
        reps.append(members[0])
        strings.append(key)

    if len(strings) < 2:
        return pairs
    n = len(strings)
    codes = _candidate_pairs([_stems(s) for s in strings])
    left, right = codes // n, codes % n
    left, right = _plausible(strings, left, right, threshold)
    left, right = left.tolist(), right.tolist()
    plain_a, plain_b = [strings[i] for i in left], [strings[j] for j in right]
    scores = process.cpdist(plain_a, plain_b, scorer=fuzz.ratio, score_cutoff=threshold, dtype=np.float32, workers=1)
    sorted_tokens = [" ".join(sorted(s.split())) for s in strings]
    reordered = process.cpdist([sorted_tokens[i] for i in left], [sorted_tokens[j] for j in right],
                               scorer=fuzz.ratio, score_cutoff=threshold, dtype=np.float32, workers=1)
    scores = np.maximum(scores, reordered)
    for k in np.nonzero(scores >= threshold)[0].tolist():
        first, second = sorted((reps[left[k]], reps[right[k]]))
        pairs.append(DuplicatePair(ids[first], ids[second], round(float(scores[k]), 1)))
    order = {rid: i for i, rid in enumerate(ids)}
    return sorted(pairs, key=lambda p: (order[p.first], order[p.second]))
