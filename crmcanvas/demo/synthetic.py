"""Synthetic canvases of any size, for benchmarks and load tests.

Deterministic for a seed; the texts look like real French user stories so that
parsing and near-duplicate detection are exercised honestly.
"""

from __future__ import annotations

import random

from crmcanvas.core.schema import TABS

Grid = list[list[str]]

_ROLES = ["chargé de collecte", "responsable bénévolat", "comptable", "donateur", "adhérent", "bénévole",
          "directrice", "chargée de communication", "partenaire", "gestionnaire de la relation donateurs"]
_VERBS = ["consulter", "exporter", "mettre à jour", "retrouver", "valider", "suivre", "relancer", "segmenter", "archiver", "importer"]
_OBJECTS = ["l'historique des dons", "les adhésions à renouveler", "les missions bénévoles", "les reçus fiscaux",
            "les conventions de partenariat", "les inscriptions aux événements", "les coordonnées des contacts",
            "les campagnes d'appel aux dons", "les promesses de legs", "les cotisations impayées"]
_WHY = ["gagner du temps", "éviter les doublons", "fidéliser nos donateurs", "piloter l'activité",
        "respecter le RGPD", "préparer le conseil d'administration", "mieux accueillir les nouveaux bénévoles"]
_CONTEXT = ["chaque mois", "depuis mon téléphone", "en un clic", "par région", "avant chaque campagne", "sans passer par Excel"]


def _ids(prefix: str, n: int, width: int) -> list[str]:
    return [f"{prefix}{i:0{width}d}" for i in range(1, n + 1)]


def synthetic_grids(needs: int = 10_000, stakes: int = 50, objects: int = 200, apps: int = 100,
                    people: int = 500, roles: int = 50, seed: int = 7) -> dict[str, Grid]:
    """Grids keyed by canonical tab, header row first (French labels), every cell a string."""
    rnd = random.Random(seed)
    width = max(3, len(str(needs)))
    e_ids, d_ids, a_ids = _ids("E", stakes, 2), _ids("D", objects, 3), _ids("A", apps, 3)
    p_ids, r_ids = _ids("P", people, 3), _ids("R", roles, 2)
    role_names = [f"{_ROLES[i % len(_ROLES)]} {i // len(_ROLES) + 1}" if i >= len(_ROLES) else _ROLES[i] for i in range(roles)]
    obj_names = [f"Objet {i}" for i in range(1, objects + 1)]

    def header(tab: str) -> list[str]:
        return [c.label for c in TABS[tab].columns]

    grids: dict[str, Grid] = {
        "enjeux": [header("enjeux")] + [
            [e, f"Enjeu {i}", "Aujourd'hui…", "Demain…", f"Indicateur {i}", "10", "20", rnd.choice(["3 mois", "6 mois", "12 mois"]),
             rnd.choice(p_ids), rnd.choice(["Haute", "Moyenne", "Basse"])] for i, e in enumerate(e_ids, 1)],
        "roles": [header("roles")] + [
            [r, role_names[i], rnd.choice(["Interne", "Externe"]), "Collecte", "…", ""] for i, r in enumerate(r_ids)],
        "personnes": [header("personnes")] + [
            [p, f"Prénom{i}", f"Nom{i}", f"p{i}@exemple.org", "Chargé", rnd.choice(["Direction", "Finance", "Marketing"]),
             "Asso", rnd.choice(r_ids), rnd.choice(["Contributeur", "Référent métier"])] for i, p in enumerate(p_ids, 1)],
        "donnees": [header("donnees")] + [
            [d, obj_names[i], "Définition…", "nom, date, montant", rnd.choice(r_ids), rnd.choice(a_ids), "Oui"] for i, d in enumerate(d_ids)],
        "applications": [header("applications")] + [
            [a, f"Application {i}", "Outil", rnd.choice(["En place", "À remplacer", "Candidate"]), rnd.choice(p_ids),
             ", ".join(rnd.sample(d_ids, 3)), rnd.choice(a_ids), "Interne"] for i, a in enumerate(a_ids, 1)],
    }
    rows = [header("besoins")]
    for i in range(1, needs + 1):
        role = rnd.randrange(roles)
        story = (f"En tant que {role_names[role]}, je souhaite {rnd.choice(_VERBS)} {rnd.choice(_OBJECTS)} "
                 f"{rnd.choice(_CONTEXT)} afin de {rnd.choice(_WHY)}")
        data = rnd.sample(d_ids, 2) if rnd.random() < 0.7 else [rnd.choice(obj_names)]
        rows.append([
            f"B{i:0{width}d}", story, r_ids[role] if rnd.random() < 0.8 else "",
            "; ".join(rnd.sample(e_ids, rnd.randint(1, 2))), ", ".join(data), rnd.choice(a_ids),
            rnd.choice(["Must", "Should", "Could", "Won't"]), rnd.choice(["Nouveau", "Qualifié", "Validé", "Rejeté"]),
            f"Lot {rnd.randint(1, 3)}", rnd.choice(p_ids), rnd.choice(["Standard", "Paramétrage", "Spécifique"]),
        ])
    grids["besoins"] = rows
    return grids
