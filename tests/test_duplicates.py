"""Near-duplicate needs: found when a need was captured twice, not when two needs merely share words."""

from __future__ import annotations

import random

import numpy as np
from rapidfuzz import fuzz, process

from crmcanvas.build.duplicates import DuplicatePair, comparable_text, find_near_duplicates
from crmcanvas.build.whole_canvas import near_duplicate_findings, whole_canvas_findings
from crmcanvas.core.config import Settings
from crmcanvas.demo import demo_grids
from tests.fixtures_analysis import canvas_of, tiny_grids


def pairs(texts: list[str], threshold: float = 90) -> list[tuple[str, str]]:
    ids = [f"B{i + 1}" for i in range(len(texts))]
    return [(p.first, p.second) for p in find_near_duplicates(ids, texts, threshold)]


def test_the_same_story_with_a_typo_and_a_comma_is_found() -> None:
    assert pairs([
        "En tant que donateur, je souhaite modifier mon adresse en ligne afin de recevoir mon reçu",
        "En tant que trésorier, je veux exporter les dons du mois pour la comptabilité",
        "En tant que donateur je souhaite modifer mon adresse en ligne afin de recevoir mon reçu.",
    ]) == [("B1", "B3")]


def test_the_same_words_in_another_order_are_found() -> None:
    assert pairs(["Exporter les dons par campagne et par mois", "Exporter les dons par mois et par campagne"]) == [("B1", "B2")]


def test_identical_texts_pair_with_the_first_one() -> None:
    found = find_near_duplicates(["B1", "B2", "B3"], ["Relance des cotisations"] * 3, 90)
    assert found == [DuplicatePair("B1", "B2", 100.0), DuplicatePair("B1", "B3", 100.0)]


def test_different_needs_of_the_same_role_are_not_duplicates() -> None:
    # Same scaffolding, same role, different needs: the story form itself must not make them alike.
    assert pairs([
        "En tant que chargé de relation donateurs, je souhaite voir l'historique des dons de sorte que je réponde vite",
        "En tant que chargé de relation donateurs, je souhaite imprimer les reçus fiscaux de sorte que je réponde vite",
    ]) == []


def test_the_threshold_decides() -> None:
    texts = ["Envoyer la newsletter mensuelle aux adhérents", "Envoyer une newsletter trimestrielle aux adhérents"]
    assert pairs(texts, 95) == []
    assert pairs(texts, 75) == [("B1", "B2")]


def test_story_scaffolding_is_ignored_in_the_comparison() -> None:
    assert comparable_text("En tant que donateur, je veux un reçu afin de déclarer mes dons") == "donateur un recu declarer mes dons"
    assert comparable_text("Export mensuel des dons") == "export mensuel des dons"


def test_empty_texts_are_never_duplicates() -> None:
    assert pairs(["", "  ", ""]) == []


def test_the_demo_canvas_has_exactly_its_planted_duplicate() -> None:
    canvas = canvas_of(demo_grids())
    found = near_duplicate_findings(canvas, Settings())
    assert [f.value for f in found] == ["B012 / B047"]
    assert found[0].severity == "warning" and found[0].row == 48
    assert "B012" in found[0].message and "B047" in found[0].message and "fusionnez" in found[0].suggestion


def test_rejected_needs_are_not_compared() -> None:
    grids = tiny_grids()
    grids["besoins"][7][1] = grids["besoins"][1][1]  # B7 (Rejeté) repeats B1
    assert near_duplicate_findings(canvas_of(grids), Settings()) == []
    grids["besoins"][7][7] = "Validé"
    assert [f.value for f in near_duplicate_findings(canvas_of(grids), Settings())] == ["B1 / B7"]


def test_the_threshold_comes_from_the_settings() -> None:
    grids = tiny_grids()
    grids["besoins"][6][1] = "En tant que bénévole, je veux voir le planning de la semaine"  # B6
    grids["besoins"][5][1] = "En tant que bénévole, je veux voir le planning du mois"  # B5: close, not identical
    strict = near_duplicate_findings(canvas_of(grids), Settings(near_duplicate_threshold=95))
    loose = near_duplicate_findings(canvas_of(grids), Settings(near_duplicate_threshold=80))
    assert strict == [] and [f.value for f in loose] == ["B5 / B6"]


def test_unparsed_stories_are_infos_that_say_how_to_write_them() -> None:
    canvas = canvas_of(demo_grids())
    infos = [f for f in whole_canvas_findings(canvas, Settings()) if f.code == "story_unparsed"]
    assert [f.row for f in infos] == [18, 24, 25, 59]  # B017, B023, B024, B058
    assert all(f.severity == "info" and "En tant que [rôle]" in f.suggestion for f in infos)
    # B023 has no role at all: the suggestion also points at the role column.
    assert "colonne « Rôle »" in infos[1].suggestion


def _backlog(n: int, seed: int) -> list[str]:
    """Varied stories sharing a small vocabulary, with ~5 % re-captured needs (typo, comma, word swap)."""
    rng = random.Random(seed)
    roles = ["donateur", "bénévole", "trésorier", "chargé de collecte", "adhérent", "directrice", "comptable"]
    verbs = ["voir", "exporter", "modifier", "relancer", "imprimer", "suivre", "importer", "archiver", "valider"]
    things = ["les dons", "les reçus fiscaux", "les adhésions", "les missions", "les campagnes", "les legs", "les contacts",
              "les cotisations", "les événements", "les conventions", "les paniers", "les inscriptions"]
    extra = ["du mois", "en retard", "par antenne", "depuis mon téléphone", "en un clic", "de l'année", "par campagne", ""]
    why = ["gagner du temps", "éviter les oublis", "fidéliser les donateurs", "piloter l'activité", "préparer le bureau"]
    texts: list[str] = []
    for _ in range(n):
        if texts and rng.random() < 0.05:
            t = rng.choice(texts)
            i = rng.randrange(10, len(t) - 3)
            texts.append(rng.choice([t[:i] + t[i + 1:], t.replace(",", ""), t.replace("je veux", "je souhaite")]))
        else:
            texts.append(f"En tant que {rng.choice(roles)}, je veux {rng.choice(verbs)} {rng.choice(things)} "
                         f"{rng.choice(extra)} afin de {rng.choice(why)}")
    return texts


def test_blocking_misses_no_pair_that_comparing_everything_would_find() -> None:
    texts = _backlog(1200, seed=11)
    found = set(pairs(texts))
    keys = [comparable_text(t) for t in texts]
    plain = process.cdist(keys, keys, scorer=fuzz.ratio, dtype=np.float32)
    ordered = process.cdist(keys, keys, scorer=fuzz.token_sort_ratio, dtype=np.float32)
    a, b = np.nonzero(np.triu(np.maximum(plain, ordered) >= 90, k=1))
    # Identical texts are reported once, each against the first of them; other pairs by their first members.
    first_of: dict[str, int] = {}
    for i, key in enumerate(keys):
        first_of.setdefault(key, i)
    expected = set()
    for i, j in zip(a.tolist(), b.tolist(), strict=True):
        fi, fj = first_of[keys[i]], first_of[keys[j]]
        if fi != fj:
            expected.add((f"B{min(fi, fj) + 1}", f"B{max(fi, fj) + 1}"))
        elif fi == i:
            expected.add((f"B{i + 1}", f"B{j + 1}"))
    assert len(expected) > 40  # the backlog does contain duplicates
    assert found == expected
