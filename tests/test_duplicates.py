"""Near-duplicate needs: found when a need was captured twice, not when two needs merely share words.

Reported as groups; time and memory stay bounded whatever the backlog (the templated case runs
under a memory limit in a subprocess).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from crmcanvas.build.duplicates import DuplicateGroup, _join_groups, comparable_text, find_near_duplicates
from crmcanvas.build.whole_canvas import near_duplicate_findings, whole_canvas_findings
from crmcanvas.core.config import Settings
from crmcanvas.demo import demo_grids
from crmcanvas.demo.synthetic import TEMPLATE, synthetic_grids
from tests.fixtures_analysis import canvas_of, tiny_grids

ROOT = Path(__file__).resolve().parents[1]


def groups(texts: list[str], threshold: float = 90, **limits: int) -> list[tuple[str, ...]]:
    ids = [f"B{i + 1}" for i in range(len(texts))]
    return [g.members for g in find_near_duplicates(ids, texts, threshold, **limits).groups]


def test_the_same_story_with_a_typo_and_a_comma_is_found() -> None:
    assert groups([
        "En tant que donateur, je souhaite modifier mon adresse en ligne afin de recevoir mon reçu",
        "En tant que trésorier, je veux exporter les dons du mois pour la comptabilité",
        "En tant que donateur je souhaite modifer mon adresse en ligne afin de recevoir mon reçu.",
    ]) == [("B1", "B3")]


def test_the_same_words_in_another_order_are_found() -> None:
    assert groups(["Exporter les dons par campagne et par mois", "Exporter les dons par mois et par campagne"]) == [("B1", "B2")]


def test_identical_texts_are_one_group_kept_by_the_first() -> None:
    found = find_near_duplicates(["B1", "B2", "B3"], ["Relance des cotisations"] * 3, 90)
    assert found.groups == [DuplicateGroup(("B1", "B2", "B3"), 100.0)]
    assert found.compared == 0 and not found.capped  # identical texts need no comparison


def test_a_need_captured_three_times_is_one_group() -> None:
    story = "En tant que donateur, je souhaite modifier mon adresse en ligne afin de recevoir mon reçu"
    found = find_near_duplicates(["B1", "B2", "B3", "B4"], [
        story, "En tant que trésorier, je veux exporter les dons du mois", story.replace("modifier", "modifer"), story + ".",
    ])
    assert [g.members for g in found.groups] == [("B1", "B3", "B4")]
    assert 90 <= found.groups[0].score < 100


def test_different_needs_of_the_same_role_are_not_duplicates() -> None:
    # Same scaffolding, same role, different needs: the story form itself must not make them alike.
    assert groups([
        "En tant que chargé de relation donateurs, je souhaite voir l'historique des dons de sorte que je réponde vite",
        "En tant que chargé de relation donateurs, je souhaite imprimer les reçus fiscaux de sorte que je réponde vite",
    ]) == []


def test_the_threshold_decides() -> None:
    texts = ["Envoyer la newsletter mensuelle aux adhérents", "Envoyer une newsletter trimestrielle aux adhérents"]
    assert groups(texts, 95) == []
    assert groups(texts, 75) == [("B1", "B2")]


def test_story_scaffolding_is_ignored_in_the_comparison() -> None:
    assert comparable_text("En tant que donateur, je veux un reçu afin de déclarer mes dons") == "donateur un recu declarer mes dons"
    assert comparable_text("Export mensuel des dons") == "export mensuel des dons"


def test_empty_texts_are_never_duplicates() -> None:
    assert groups(["", "  ", ""]) == []


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


def test_a_group_of_three_is_one_finding_naming_its_members_in_the_reader_language() -> None:
    grids = tiny_grids()
    grids["besoins"][2][1] = grids["besoins"][1][1]  # B2 and B3 repeat B1
    grids["besoins"][3][1] = grids["besoins"][1][1] + "."
    found = near_duplicate_findings(canvas_of(grids), Settings(language="en"))
    assert [(f.code, f.value, f.row) for f in found] == [("near_duplicate", "B1 / B2 / B3", 3)]
    assert found[0].message.startswith("These 3 needs are almost the same: B1 (row 2), B2 (row 3) and B3 (row 4)")
    assert "keep B1" in found[0].suggestion


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


def brute_force_groups(texts: list[str], threshold: float = 90) -> set[tuple[str, ...]]:
    """Groups from comparing every pair: connected components of the pairs at or above the threshold."""
    keys = [comparable_text(t) for t in texts]
    plain = process.cdist(keys, keys, scorer=fuzz.ratio, dtype=np.float32)
    ordered = process.cdist(keys, keys, scorer=fuzz.token_sort_ratio, dtype=np.float32)
    a, b = np.nonzero(np.triu(np.maximum(plain, ordered) >= threshold, k=1))
    root = _join_groups(np.arange(len(texts)), a.astype(np.int64), b.astype(np.int64))
    members: dict[int, list[str]] = {}
    for i, key in enumerate(keys):
        if key:
            members.setdefault(int(root[i]), []).append(f"B{i + 1}")
    return {tuple(m) for m in members.values() if len(m) > 1}


def test_blocking_misses_no_group_that_comparing_everything_would_find() -> None:
    texts = _backlog(1200, seed=11)
    expected = brute_force_groups(texts)
    found = find_near_duplicates([f"B{i + 1}" for i in range(len(texts))], texts)
    assert len(expected) > 40  # the backlog does contain duplicates
    assert {g.members for g in found.groups} == expected
    assert not found.capped


def test_a_realistic_backlog_is_searched_without_cap() -> None:
    grids = synthetic_grids(3000, "realistic")
    texts = [row[1] for row in grids["besoins"][1:]]
    found = find_near_duplicates([row[0] for row in grids["besoins"][1:]], texts)
    assert not found.capped and len(found.groups) > 30


def test_past_the_limits_the_search_says_it_was_capped() -> None:
    rng = random.Random(3)
    texts = [TEMPLATE.format(list=rng.randint(1, 500), batch=rng.randint(1, 40)) for _ in range(600)]
    full = find_near_duplicates([f"B{i}" for i in range(600)], texts)
    sampled = find_near_duplicates([f"B{i}" for i in range(600)], texts, window=4)
    starved = find_near_duplicates([f"B{i}" for i in range(600)], texts, max_candidates=10)
    assert full.capped and sampled.capped and starved.capped  # 600 texts share every rare word: a block too big to pair fully
    assert len(full.groups) <= 3 and sum(len(g.members) for g in full.groups) > 550  # templated needs collapse into a group
    assert starved.compared <= 10


def test_a_capped_search_is_an_info_finding_that_says_how_much_was_compared() -> None:
    canvas = canvas_of(synthetic_grids(400, "templated"))
    found = near_duplicate_findings(canvas, Settings())
    capped = [f for f in found if f.code == "near_duplicate_capped"]
    assert len(capped) == 1 and capped[0].severity == "info"
    assert "comparaisons" in capped[0].message and "modèle" in capped[0].suggestion
    groups_found = [f for f in found if f.code == "near_duplicate"]
    assert 1 <= len(groups_found) <= 3
    big = max(groups_found, key=lambda f: len(f.value))
    assert "autre(s)" in big.message and big.value.endswith(" / …")  # 8 named in the message, 20 IDs in the value
    assert len(big.value.split(" / ")) == 21


ADVERSARIAL = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))
from crmcanvas.build.load import load_grids
from crmcanvas.build.whole_canvas import near_duplicate_findings
from crmcanvas.core.config import Settings
from crmcanvas.demo.synthetic import synthetic_grids
canvas = load_grids(synthetic_grids(10_000, "templated"), settings=Settings())
found = near_duplicate_findings(canvas, Settings())
print(json.dumps({"needs": len(canvas.frames["besoins"]), "codes": [f.code for f in found],
                  "largest": max((len(f.value.split(" / ")) for f in found if f.code == "near_duplicate"), default=0)}))
"""


def test_ten_thousand_templated_needs_stay_within_a_memory_limit() -> None:
    """« …exporter la liste 17 afin de suivre le lot 3 » ×10,000: a MemoryError before groups and caps."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MALLOC_ARENA_MAX": "2"}
    run = subprocess.run([sys.executable, "-c", ADVERSARIAL], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout)
    assert result["needs"] == 10_000
    assert result["codes"].count("near_duplicate_capped") == 1
    assert 1 <= result["codes"].count("near_duplicate") <= 20  # groups, not the ~25 million pairs
    assert result["largest"] == 21  # a large group: 20 IDs then « … »
