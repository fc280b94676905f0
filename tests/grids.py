"""Hand-built grids: a tiny clean canvas, and the messy variations people really type."""

from __future__ import annotations

import copy


def clean_grids() -> dict[str, list[list[str]]]:
    """A small canvas with no error: 2 stakes, 3 needs, 2 objects, 2 apps, 2 people, 2 roles."""
    return copy.deepcopy({
        "enjeux": [
            ["ID", "Enjeu", "Indicateur", "Porteur", "Priorité"],
            ["E01", "Fidéliser les donateurs", "Taux de réabonnement", "P01", "Haute"],
            ["E02", "Recruter des bénévoles", "Bénévoles actifs", "Claire Martin", "Moyenne"],
        ],
        "besoins": [
            ["ID", "Besoin", "Rôle", "Enjeux", "Données", "Applications", "Priorité", "Statut"],
            ["B001", "En tant que chargé de collecte, je souhaite voir l'historique des dons afin de relancer", "R01", "E01", "Donateur, Don", "A01", "Must", "Validé"],
            ["B002", "En tant que bénévole, je veux m'inscrire à une mission de sorte que je m'organise", "", "E02", "Donateur", "A02", "Should", "Nouveau"],
            ["B003", "En tant que chargé de collecte, je souhaite exporter les dons pour la comptabilité", "R01", "E01", "Don", "A01", "Could", "Nouveau"],
        ],
        "donnees": [
            ["ID", "Objet", "Définition", "Attributs", "Application maître"],
            ["D01", "Donateur", "Personne qui a fait au moins un don", "nom, prénom, e-mail", "A01"],
            ["D02", "Don", "Versement d'un donateur", "montant, date", "A01"],
        ],
        "applications": [
            ["ID", "Application", "Statut", "Données"],
            ["A01", "Base donateurs", "À remplacer", "Donateur; Don"],
            ["A02", "Planning bénévoles", "En place", ""],
        ],
        "personnes": [
            ["ID", "Prénom", "Nom", "E-mail", "Département", "Rôles"],
            ["P01", "Paul", "Durand", "paul@asso.example", "Direction", "R01"],
            ["P02", "Claire", "Martin", "claire@asso.example", "Bénévolat", "R02"],
        ],
        "roles": [
            ["ID", "Rôle", "Type"],
            ["R01", "Chargé de collecte", "Interne"],
            ["R02", "Bénévole", "Externe"],
        ],
    })
