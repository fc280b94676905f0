"""Small hand-built canvases for the analysis tests, where the right answer is obvious.

``tiny_grids`` is a charity's canvas with exactly one instance of each gap, so
each test can name the culprit. ``clean_grids`` has no gap at all except the
departments (which depend on the configured list). ``hostile_grids`` is the
clean canvas with markup in every label a chart shows.
"""

from __future__ import annotations

import copy

from crmcanvas.build.load import load_grids
from crmcanvas.core.canvas import Canvas
from crmcanvas.core.config import Settings

Grid = list[list[str]]


def clean_grids() -> dict[str, Grid]:
    """Every stake served, every need traced and qualified, every object complete and used."""
    return copy.deepcopy({
        "enjeux": [
            ["ID", "Enjeu", "Indicateur"],
            ["E1", "Fidéliser les donateurs", "Taux de réabonnement"],
            ["E2", "Recruter des bénévoles", "Bénévoles actifs"],
        ],
        "besoins": [
            ["ID", "Besoin", "Rôle", "Enjeux", "Données", "Applications", "Priorité", "Statut", "Lot"],
            ["B1", "En tant que chargé de collecte, je souhaite voir l'historique des dons afin de relancer", "", "E1", "Don", "A1", "Must", "Validé", "Lot 1"],
            ["B2", "En tant que bénévole, je veux m'inscrire à une mission de sorte que je m'organise", "", "E2", "Mission", "A2", "Should", "Nouveau", "Lot 2"],
        ],
        "donnees": [
            ["ID", "Objet", "Définition", "Attributs", "Application maître"],
            ["D1", "Don", "Versement d'un donateur", "montant, date", "A1"],
            ["D2", "Mission", "Créneau de bénévolat", "date, lieu", "A2"],
        ],
        "applications": [
            ["ID", "Application", "Données"],
            ["A1", "Base donateurs", "Don"],
            ["A2", "Planning bénévoles", "Mission"],
        ],
        "personnes": [
            ["ID", "Prénom", "Nom", "Département", "Rôles"],
            ["P1", "Paul", "Durand", "Collecte", "R1"],
            ["P2", "Claire", "Martin", "Bénévolat", "R2"],
        ],
        "roles": [
            ["ID", "Rôle", "Type"],
            ["R1", "Chargé de collecte", "Interne"],
            ["R2", "Bénévole", "Externe"],
        ],
    })


def tiny_grids() -> dict[str, Grid]:
    """One culprit per gap; the comment on each row says which gap it creates."""
    return copy.deepcopy({
        "enjeux": [
            ["ID", "Enjeu", "Indicateur"],
            ["E1", "Fidéliser les donateurs", "Taux de réabonnement"],
            ["E2", "Recruter des bénévoles", "Bénévoles actifs"],
            ["E3", "Mesurer l'impact", ""],  # no need, no indicator
        ],
        "besoins": [
            ["ID", "Besoin", "Rôle", "Enjeux", "Données", "Applications", "Priorité", "Statut", "Lot"],
            ["B1", "En tant que chargé de collecte, je souhaite voir l'historique des dons afin de relancer", "", "E1", "Don", "A1", "Must", "Validé", "Lot 1"],
            ["B2", "En tant que bénévole, je veux m'inscrire à une mission", "", "E2", "Mission", "", "Should", "", ""],
            ["B3", "Export des dons pour la comptabilité", "", "E1", "Don", "", "Could", "", ""],  # no role at all
            ["B4", "En tant que trésorier, je veux rapprocher les dons", "", "E1", "Don", "", "", "", ""],  # unknown role; no priority
            ["B5", "En tant que chargé de collecte, je veux une newsletter", "", "", "Legs", "Mailchimp", "Must", "", ""],  # no stake; undefined object; uninventoried app
            ["B6", "En tant que bénévole, je veux voir le planning", "", "E2", "", "", "Should", "", ""],  # no data
            ["B7", "En tant que chargé de collecte, je veux un portail donateurs", "", "E3", "Don", "", "Must", "Rejeté", ""],  # rejected: serves nothing
            ["B8", "En tant que chargé de collecte, je veux un scanner de chèques", "", "E3", "Don", "", "Won't", "", ""],  # won't: serves nothing
        ],
        "donnees": [
            ["ID", "Objet", "Définition", "Attributs", "Application maître"],
            ["D1", "Don", "Versement d'un donateur", "montant, date", "A1"],
            ["D2", "Mission", "Créneau de bénévolat", "", "A2"],  # incomplete (no attributes)
            ["D3", "Bénéficiaire", "", "nom", ""],  # unused; incomplete (no definition); no master application
        ],
        "applications": [
            ["ID", "Application", "Données", "Échanges"],
            ["A1", "Base donateurs", "Don", ""],
            ["A2", "Planning bénévoles", "Mission", ""],
            ["A3", "Canva", "", ""],  # nothing uses it
        ],
        "personnes": [
            ["ID", "Prénom", "Nom", "Département", "Rôles"],
            ["P1", "Paul", "Durand", "Direction générale", "R1"],
            ["P2", "Claire", "Martin", "Service clients", "R2"],
            ["P3", "Hugo", "Marchand", "Informatique", ""],  # no role
        ],
        "roles": [
            ["ID", "Rôle", "Type"],
            ["R1", "Chargé de collecte", "Interne"],
            ["R2", "Bénévole", "Externe"],
            ["R3", "Comptable", "Interne"],  # no person, no need
            ["R4", "Donateur", "Externe"],  # no person, no need, and external
        ],
    })


LINK = '<a href="https://evil.example">x</a>'
BOLD = "<b>y</b>"


def hostile_grids() -> dict[str, Grid]:
    """The clean canvas whose IDs, names, texts and values carry HTML that Plotly would draw."""
    grids = clean_grids()
    grids["enjeux"][1][:2] = ["E1", LINK]
    grids["enjeux"][2][1] = BOLD
    grids["besoins"][1][0] = "B<b>1</b>"  # an ID, shown as a matrix column and a tick
    grids["besoins"][1][1] = f"En tant que chargé de collecte, je souhaite {LINK} afin de relancer"
    grids["besoins"][1][8] = BOLD  # lot
    grids["besoins"][2][7] = LINK  # an unknown status, shown as typed
    grids["besoins"][2][8] = LINK
    grids["donnees"][1][1], grids["donnees"][2][1] = LINK, BOLD
    grids["besoins"][1][4], grids["besoins"][2][4] = LINK, BOLD
    grids["applications"][1][1:3] = [LINK, LINK]
    grids["applications"][2][1:3] = [BOLD, BOLD]
    grids["roles"][1][1] = BOLD
    return grids


def canvas_of(grids: dict[str, Grid], settings: Settings | None = None) -> Canvas:
    return load_grids(grids, settings=settings or Settings())


def ids(items: list[dict]) -> list[str]:
    return [item["id"] for item in items]
