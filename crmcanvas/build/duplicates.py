"""Near-duplicate needs: the same need captured twice (or ten times) in different workshops.

Comparing every pair of 10,000 needs is 50 million comparisons, far too slow
for a dashboard that re-reads the sheet every few seconds; and a backlog
written from a template (« …exporter la liste 17 afin de suivre le lot 3 »)
makes almost every pair a genuine match, so even listing the pairs explodes.
So the search reports *groups* of near-identical needs, and its time and
memory are bounded whatever the input:

1. Identical texts (after folding) form a group at once, without comparing.
2. Prefix filtering (Bayardo et al.; the l-prefix scheme of AdaptJoin). Each
   text becomes a set of meaningful word stems (stop words and plural removed,
   cut to ``STEM`` letters) ordered from rarest to most common. Two texts whose
   stem sets have Jaccard >= ``MIN_JACCARD`` — true of near-duplicates in
   practice: a typo or a reworded word changes one stem of many — share an
   l-combination of their few rarest stems, so texts are grouped into *blocks*
   by those combinations (l up to ``MAX_LEVEL``, lower for long texts so that
   no text has more than ``MAX_KEYS`` of them). All the pairing is numpy.
3. Bounds. The same member list under several keys (a template repeats its
   words) is paired once. Inside a block, texts are sorted alphabetically and
   each is paired with its ``WINDOW`` next neighbours: every pair when the
   block is small (the realistic case), a sorted-neighbourhood sample when
   hundreds of texts share the same rare words (the templated case). Blocks
   are taken smallest first (the most telling) until ``MAX_CANDIDATES`` pairs
   are generated. Either limit sets ``capped``, which the caller reports.
4. Scoring, ``BATCH`` pairs at a time. Pairs already in one group are skipped
   (10,000 templated needs cost about 100,000 comparisons, not 50
   million); two exact bounds on rapidfuzz's ratio discard most of the rest
   (length, and characters in common: the longest common subsequence cannot
   exceed them); the survivors are scored in C with
   ``rapidfuzz.process.cpdist``: ratio, and ratio on sorted words.
5. Pairs at or above the threshold join groups (connected components, a
   vectorised union-find): one group per need captured several times.

The comparison ignores the story scaffolding ("en tant que… je souhaite… de
sorte que") that every story shares, and reads at most ``MAX_CHARS`` characters
of a need. Known blind spot: two very short needs (one or two meaningful words)
that differ by a typo in a word's first letters.
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
MAX_KEYS = 128  # blocking keys per text at most: long texts use smaller combinations
MAX_CHARS = 1000  # a need is a sentence; past this, only its start is compared
WINDOW = 128  # neighbours a text is paired with in each block (all of them in a block of WINDOW + 1 or fewer)
MAX_CANDIDATES = 4_000_000  # candidate pairs generated in all: 32 MB per int64 array
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
class DuplicateGroup:
    members: tuple[str, ...]  # IDs in sheet order: the first is the one to keep
    score: float  # lowest similarity (0-100) among the links that joined the group; 100 for identical texts


@dataclass(frozen=True)
class DuplicateSearch:
    groups: list[DuplicateGroup]  # in the sheet order of their first member
    compared: int  # pairs of distinct texts scored
    capped: bool  # some candidate pairs were not compared (WINDOW or MAX_CANDIDATES reached)


def comparable_text(text: str) -> str:
    """The part of a need that says what is wanted: role + want + benefit, folded."""
    story = parse_story(text)
    if story is not None:
        text = " ".join(p for p in (story.role, story.want, story.benefit or "") if p)
    return fold(text)[:MAX_CHARS].rstrip()


def _stems(text: str) -> list[str]:
    """Meaningful words, singular, cut to ``STEM`` letters ("exporter", "exportez" -> "export")."""
    stems = {(w[:-1] if len(w) > 3 and w[-1] in "sx" else w)[:STEM] for w in text.split() if len(w) > 2 and w not in STOP_WORDS}
    return sorted(stems) or ([text] if text else [])


def _sorted_unique(codes: np.ndarray) -> np.ndarray:
    """np.unique, by sorting: numpy 2.4's hash-based np.unique is ~50x slower on millions of int64."""
    codes = np.sort(codes)
    return codes[np.r_[True, codes[1:] != codes[:-1]]] if codes.size else codes


@lru_cache(maxsize=256)
def _positions(prefix: int, level: int) -> np.ndarray:
    return np.asarray(list(combinations(range(prefix), level)), dtype=np.int64).reshape(-1, level)


@lru_cache(maxsize=1024)
def _overlap(size: int) -> int:
    return math.ceil(MIN_JACCARD * size)  # Fraction: exact, no 0.6 * 5 = 3.0000000000000004


@lru_cache(maxsize=1024)
def _level(size: int, max_level: int) -> int:
    """The largest combination size (<= max_level) that keeps a text of ``size`` stems under MAX_KEYS keys."""
    overlap = _overlap(size)
    level = min(max_level, overlap)
    while level > 1 and math.comb(size - overlap + level, level) > MAX_KEYS:
        level -= 1
    return level


def _keys(rows: dict[tuple[int, int], list[tuple[int, list[int]]]], base: int) -> tuple[np.ndarray, np.ndarray]:
    """(key codes, texts): every ``level``-combination of each text's ``prefix`` rarest stems, as one int."""
    codes: list[np.ndarray] = []
    texts: list[np.ndarray] = []
    for (prefix, level), items in rows.items():
        ranks = np.asarray([ordered[:prefix] for _, ordered in items], dtype=np.int64)
        positions = _positions(prefix, level)
        code = np.zeros((len(items), len(positions)), dtype=np.int64)
        for j in range(level):  # one (texts, combinations) array at a time, not (texts, combinations, level)
            code = code * base + ranks[:, positions[:, j]]
        codes.append(code.ravel())
        texts.append(np.repeat(np.asarray([r for r, _ in items], dtype=np.int64), len(positions)))
    if not codes:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.concatenate(codes), np.concatenate(texts)


@dataclass
class _Blocks:
    """Texts sharing a key, each block's members in alphabetical order of their text."""

    texts: np.ndarray  # member text indices, block after block
    starts: np.ndarray  # first position of each block in ``texts``
    sizes: np.ndarray
    codes: np.ndarray  # the key of each block (sorted, unique within a level)


def _blocks(codes: np.ndarray, texts: np.ndarray, alpha: np.ndarray) -> _Blocks:
    order = np.lexsort((alpha[texts], codes))
    codes, texts = codes[order], texts[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if codes.size else np.empty(0, dtype=np.int64)
    sizes = np.diff(np.r_[starts, len(codes)]).astype(np.int64)
    return _Blocks(texts=texts, starts=starts, sizes=sizes, codes=codes[starts])


def _join(levels: list[tuple[_Blocks, np.ndarray, np.ndarray]]) -> tuple[_Blocks, np.ndarray, np.ndarray]:
    """The blocks that can make a pair (two members, or a guest), every level in one table; guest hits renumbered."""
    texts, sizes, wheres = [], [], []
    blocks = 0
    for b, where, _ in levels:
        useful = (b.sizes > 1) | (np.bincount(where, minlength=len(b.sizes)) > 0)
        texts.append(b.texts[np.repeat(useful, b.sizes)])
        sizes.append(b.sizes[useful])
        wheres.append((np.cumsum(useful) - 1)[where] + blocks)
        blocks += int(useful.sum())
    size = np.concatenate(sizes)
    joined = _Blocks(texts=np.concatenate(texts), starts=np.cumsum(size) - size, sizes=size, codes=np.empty(0))
    return joined, np.concatenate(wheres), np.concatenate([g for _, _, g in levels])


_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))


def _first_alike(b: _Blocks) -> np.ndarray:
    """For each block, the first block with the same members (itself when unique).

    A template repeated in a backlog gives the same member list under many keys;
    pairing it once is enough. Members are compared by size and two 64-bit sums
    of mixed text indices.
    """
    if not b.sizes.size:
        return np.empty(0, dtype=np.int64)
    x = b.texts.astype(np.uint64) + np.uint64(1)
    with np.errstate(over="ignore"):
        sums = [np.add.reduceat((x * m) ^ ((x * m) >> np.uint64(29)), b.starts) for m in _MIX]
    index = np.arange(len(b.sizes), dtype=np.int64)
    order = np.lexsort((index, sums[1], sums[0], b.sizes))
    key = np.stack([b.sizes[order].astype(np.uint64), sums[0][order], sums[1][order]])
    new = np.r_[True, (key[:, 1:] != key[:, :-1]).any(axis=0)]
    first = np.empty_like(index)
    first[order] = order[np.flatnonzero(new)][np.cumsum(new) - 1]
    return first


def _window_slots(sizes: np.ndarray, window: int) -> np.ndarray:
    """Pairs made inside blocks of these sizes: all of them up to window + 1 members, then ``window`` per member."""
    w = np.minimum(sizes - 1, window)
    return w * sizes - w * (w + 1) // 2


def _owner_pairs(b: _Blocks, keep: np.ndarray, window: int, n: int) -> list[np.ndarray]:
    """Codes a * n + b of members at most ``window`` apart in each kept block."""
    block_of = np.repeat(np.arange(len(b.sizes)), b.sizes)
    pos = np.flatnonzero((keep & (b.sizes > 1))[block_of])
    end = (b.starts + b.sizes)[block_of[pos]]
    out: list[np.ndarray] = []
    for d in range(1, window + 1):
        live = pos + d < end
        pos, end = pos[live], end[live]
        if not pos.size:
            break
        x, y = b.texts[pos], b.texts[pos + d]
        out.append(np.minimum(x, y) * n + np.maximum(x, y))
    return out


def _guest_pairs(b: _Blocks, where: np.ndarray, guests: np.ndarray, alpha: np.ndarray,
                 window: int, n: int) -> list[np.ndarray]:
    """Each guest (text, block) with the ``window`` members of the block nearest to it alphabetically."""
    if not where.size:
        return []
    starts, sizes = b.starts[where], b.sizes[where]
    count = np.minimum(sizes, window)
    # Members are sorted by (block, alphabetical rank): one searchsorted finds each guest's place in its block.
    place = np.repeat(np.arange(len(b.sizes), dtype=np.int64), b.sizes) * n + alpha[b.texts]
    at = np.searchsorted(place, where * n + alpha[guests])
    first = np.clip(at - count // 2, starts, starts + sizes - count)
    step = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    x, y = np.repeat(guests, count), b.texts[np.repeat(first, count) + step]
    return [np.minimum(x, y) * n + np.maximum(x, y)]


def _candidate_pairs(stem_lists: list[list[str]], alpha: np.ndarray, window: int, budget: int) -> tuple[np.ndarray, bool]:
    """Sorted unique codes ``a * n + b`` (a < b) of the pairs worth scoring, and whether a limit cut some out.

    A text of L stems must share ``overlap = ceil(MIN_JACCARD * L)`` of them with
    any near-duplicate. At its *level* l (<= overlap), two texts with Jaccard >=
    MIN_JACCARD share an l-combination of their ``L - overlap + l`` rarest
    stems. A text *owns* its level's keys and is a *guest* at lower levels (only
    when short enough to resemble a text of that level); pairs are owner-owner
    and owner-guest.
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
        level = _level(len(stems), max_level)
        longest_at[level] = max(longest_at[level], len(stems))
    owners: dict[int, dict[tuple[int, int], list[tuple[int, list[int]]]]] = defaultdict(lambda: defaultdict(list))
    guests: dict[int, dict[tuple[int, int], list[tuple[int, list[int]]]]] = defaultdict(lambda: defaultdict(list))
    for r, stems in enumerate(stem_lists):
        ordered = sorted(rank[t] for t in stems)
        size = len(ordered)
        overlap = _overlap(size)
        level = _level(size, max_level)
        owners[level][(size - overlap + level, level)].append((r, ordered))
        for lower in range(1, level):
            if overlap <= longest_at[lower]:  # Jaccard >= J needs min size >= J * max size
                guests[lower][(size - overlap + lower, lower)].append((r, ordered))

    # Blocks of every level, with the guests that fall in each.
    levels = []
    for level, rows in owners.items():
        b = _blocks(*_keys(rows, base), alpha)
        guest_codes, guest_texts = _keys(guests.get(level, {}), base)
        where = np.clip(np.searchsorted(b.codes, guest_codes), 0, max(len(b.codes) - 1, 0))
        hit = b.codes[where] == guest_codes if b.codes.size else np.zeros(guest_codes.size, dtype=bool)
        levels.append((b, where[hit], guest_texts[hit]))
    if not levels:
        return np.empty(0, dtype=np.int64), False
    b, where, guest_texts = _join(levels)
    # The same members under several keys are paired once; a guest visits each member list once.
    first = _first_alike(b)
    hits = _sorted_unique(first[where] * n + guest_texts)
    where, guest_texts = hits // n, hits % n
    single = first == np.arange(len(first))
    # The budget, smallest blocks first: they are the most telling.
    hosted = np.bincount(where, minlength=len(b.sizes))
    slots = np.where(single, _window_slots(b.sizes, window) + hosted * np.minimum(b.sizes, window), 0)
    order = np.argsort(b.sizes, kind="stable")
    keep = np.zeros(len(b.sizes), dtype=bool)
    keep[order[np.cumsum(slots[order]) <= budget]] = True
    keep &= single
    sampled = (b.sizes > window + 1) | ((hosted > 0) & (b.sizes > window))  # only neighbours are paired
    capped = bool((single & ~keep & (slots > 0)).any() or (keep & sampled).any())
    kept_hits = keep[where]
    out = _owner_pairs(b, keep, window, n) + _guest_pairs(b, where[kept_hits], guest_texts[kept_hits], alpha, window, n)
    if not out:
        return np.empty(0, dtype=np.int64), capped
    return _sorted_unique(np.concatenate(out)), capped


_CHAR_CODES = np.full(256, 36, dtype=np.int64)  # folded text is [0-9a-z ]; anything else shares one bin
_CHAR_CODES[np.frombuffer(b"abcdefghijklmnopqrstuvwxyz0123456789", dtype=np.uint8)] = np.arange(36)
_BINS = 37
BATCH = 100_000  # candidate pairs scored at a time; pairs already in one group are skipped


class _Scorer:
    """Scores candidate pairs of distinct texts: two exact upper bounds first, then rapidfuzz.

    rapidfuzz's ratio is 200 * LCS / (len_a + len_b), and the LCS is at most the
    smaller length and at most the characters both strings have in common
    (counted with multiplicity). Both bounds also hold for the ratio on sorted
    words (same characters, same length), so most candidates are discarded by
    numpy before rapidfuzz scores the rest in C.
    """

    def __init__(self, strings: list[str], threshold: float) -> None:
        self.strings = strings
        self.sorted_words = [" ".join(sorted(s.split())) for s in strings]
        self.threshold = threshold
        self.lengths = np.fromiter((len(s) for s in strings), dtype=np.int64, count=len(strings))
        data = np.frombuffer("".join(strings).encode("ascii", "replace"), dtype=np.uint8)
        rows = np.repeat(np.arange(len(strings), dtype=np.int64), self.lengths)
        counts = np.bincount(rows * _BINS + _CHAR_CODES[data], minlength=len(strings) * _BINS)
        self.counts = counts.reshape(len(strings), _BINS).astype(np.int16)

    def plausible(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        need = self.threshold / 200.0 * (self.lengths[left] + self.lengths[right])
        common = np.minimum(self.counts[left], self.counts[right]).sum(axis=1)
        return (np.minimum(self.lengths[left], self.lengths[right]) >= need) & (common >= need)

    def score(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        a, b = left.tolist(), right.tolist()
        plain = process.cpdist([self.strings[i] for i in a], [self.strings[j] for j in b], scorer=fuzz.ratio,
                               score_cutoff=self.threshold, dtype=np.float32, workers=1)
        reordered = process.cpdist([self.sorted_words[i] for i in a], [self.sorted_words[j] for j in b], scorer=fuzz.ratio,
                                   score_cutoff=self.threshold, dtype=np.float32, workers=1)
        return np.maximum(plain, reordered)


def _join_groups(root: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """``root`` (each node's smallest connected index) updated with the edges left-right."""
    while left.size:
        a, b = root[left], root[right]
        if np.array_equal(a, b):
            break
        np.minimum.at(root, np.maximum(a, b), np.minimum(a, b))  # hook the larger root under the smaller
        while True:  # pointer jumping until every node points at its root
            jumped = root[root]
            if np.array_equal(jumped, root):
                break
            root = jumped
    return root


def find_near_duplicates(ids: Sequence[str], texts: Sequence[str], threshold: float = 90.0, *,
                         window: int = WINDOW, max_candidates: int = MAX_CANDIDATES) -> DuplicateSearch:
    """Groups of needs whose texts score ``threshold`` or more with another member, in sheet order."""
    if len(ids) != len(texts):
        raise ValueError("ids and texts must have the same length")
    same: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        key = comparable_text(text)
        if key:
            same.setdefault(key, []).append(i)
    strings = list(same)
    n = len(strings)
    root = np.arange(n, dtype=np.int64)
    low = np.full(n, 100.0)  # lowest link score per group root
    compared, capped = 0, False
    if n >= 2:
        alpha = np.empty(n, dtype=np.int64)  # alphabetical rank of each text
        alpha[sorted(range(n), key=strings.__getitem__)] = np.arange(n)
        codes, capped = _candidate_pairs([_stems(s) for s in strings], alpha, window, max_candidates)
        scorer = _Scorer(strings, threshold)
        links: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for k in range(0, codes.size, BATCH):
            left, right = codes[k:k + BATCH] // n, codes[k:k + BATCH] % n
            apart = root[left] != root[right]
            left, right = left[apart], right[apart]
            ok = scorer.plausible(left, right)
            left, right = left[ok], right[ok]
            compared += int(left.size)
            scores = scorer.score(left, right)
            match = scores >= threshold
            links.append((left[match], right[match], scores[match]))
            root = _join_groups(root, left[match], right[match])
        for left, _, scores in links:
            np.minimum.at(low, root[left], scores.astype(np.float64))
    grouped: dict[int, list[int]] = {}
    for index, rows in enumerate(same.values()):
        grouped.setdefault(int(root[index]), []).extend(rows)
    groups = [DuplicateGroup(tuple(ids[i] for i in sorted(rows)), round(float(low[r]), 1))
              for r, rows in grouped.items() if len(rows) > 1]
    first = {rid: i for i, rid in enumerate(ids)}
    groups.sort(key=lambda g: first[g.members[0]])
    return DuplicateSearch(groups=groups, compared=compared, capped=capped)
