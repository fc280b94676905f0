"""The story parser on the way people really write user stories (French and English)."""

from __future__ import annotations

import pytest

from crmcanvas.build.stories import Story, parse_story

# (text, role, want, benefit) — benefit None when the story gives none.
PHRASINGS: list[tuple[str, str, str, str | None]] = [
    # The canonical French form and its punctuation variants
    ("En tant que commercial, je souhaite voir mes opportunités de sorte que je priorise mes relances",
     "commercial", "voir mes opportunités", "je priorise mes relances"),
    ("En tant que commercial je souhaite voir mes opportunités de sorte que je priorise mes relances",
     "commercial", "voir mes opportunités", "je priorise mes relances"),
    ("EN TANT QUE COMMERCIAL, JE SOUHAITE VOIR MES OPPORTUNITÉS, DE SORTE QUE JE PRIORISE MES RELANCES.",
     "COMMERCIAL", "VOIR MES OPPORTUNITÉS", "JE PRIORISE MES RELANCES"),
    ("en tant que commercial, je souhaite voir mes opportunités, de sorte que je priorise mes relances.",
     "commercial", "voir mes opportunités", "je priorise mes relances"),
    ("En tant qu'administrateur, je veux gérer les droits afin de protéger les données",
     "administrateur", "gérer les droits", "protéger les données"),
    ("En tant qu’administrateur, je veux gérer les droits afin de protéger les données",
     "administrateur", "gérer les droits", "protéger les données"),
    ("En tant qu' assistante, je veux saisir un contact afin qu'il soit relancé",
     "assistante", "saisir un contact", "il soit relancé"),
    ("En tant que responsable des dons, j'aimerais un reçu fiscal automatique afin d'éviter les oublis",
     "responsable des dons", "un reçu fiscal automatique", "éviter les oublis"),
    ("En tant que responsable des dons, j’aimerais un reçu fiscal automatique afin d’éviter les oublis",
     "responsable des dons", "un reçu fiscal automatique", "éviter les oublis"),
    ("En tant que technicien, je dois pouvoir consulter l'historique des interventions pour préparer ma visite",
     "technicien", "consulter l'historique des interventions", "préparer ma visite"),
    ("En tant que chargée d'accueil, je veux retrouver un donateur par son téléphone, pour lui répondre vite",
     "chargée d'accueil", "retrouver un donateur par son téléphone", "lui répondre vite"),
    ("En tant que directeur, je souhaite un tableau de bord mensuel afin que le comité décide sur des faits",
     "directeur", "un tableau de bord mensuel", "le comité décide sur des faits"),
    ("En tant que comptable, je veux exporter les factures",
     "comptable", "exporter les factures", None),
    ("En tant que marketeur, je souhaite segmenter les contacts par centre d'intérêt pour que les campagnes soient ciblées",
     "marketeur", "segmenter les contacts par centre d'intérêt", "les campagnes soient ciblées"),
    # "Comme", articles, brackets, ticket prefixes, quotes
    ("Comme commercial, je veux voir le pipe de mon équipe de façon à anticiper le trimestre",
     "commercial", "voir le pipe de mon équipe", "anticiper le trimestre"),
    ("Comme un bénévole je voudrais m'inscrire à une collecte en ligne",
     "bénévole", "m'inscrire à une collecte en ligne", None),
    ("En tant que [Responsable marketing], je souhaite [mesurer le taux d'ouverture] de sorte que [j'ajuste les envois]",
     "Responsable marketing", "[mesurer le taux d'ouverture]", "[j'ajuste les envois]"),
    ("US-12 : En tant que commercial, je veux créer un devis depuis une opportunité afin de gagner du temps",
     "commercial", "créer un devis depuis une opportunité", "gagner du temps"),
    ("« En tant que donateur, je souhaite modifier mon adresse en ligne afin de recevoir mon reçu »",
     "donateur", "modifier mon adresse en ligne", "recevoir mon reçu"),
    ("- En tant que la directrice financière, je veux suivre les encaissements",
     "directrice financière", "suivre les encaissements", None),
    ("En tant que l'équipe support, nous voulons un outil de tickets afin de tracer les demandes",
     "équipe support", "un outil de tickets", "tracer les demandes"),
    ("En tant que commercial en déplacement, je souhaite consulter les fiches hors ligne",
     "commercial en déplacement", "consulter les fiches hors ligne", None),
    ("En tant que commercial, en déplacement, je souhaite consulter les fiches hors ligne",
     "commercial", "consulter les fiches hors ligne", None),
    # Other French verbs and spellings seen in real backlogs
    ("En tant que chef de projet, j'ai besoin d'un planning partagé afin de coordonner les lots",
     "chef de projet", "un planning partagé", "coordonner les lots"),
    ("En tant que gestionnaire, je voudrais pouvoir fusionner les doublons pour ne plus envoyer deux courriers",
     "gestionnaire", "fusionner les doublons", "ne plus envoyer deux courriers"),
    ("En temps que commercial je veux un rappel automatique de sorte qu'aucun devis ne soit oublié",
     "commercial", "un rappel automatique", "aucun devis ne soit oublié"),
    ("En tant que secrétaire, je désire imprimer des étiquettes dans le but de préparer les envois",
     "secrétaire", "imprimer des étiquettes", "préparer les envois"),
    ("En tant que responsable qualité je peux consulter les réclamations en vue d'améliorer le service",
     "responsable qualité", "consulter les réclamations", "améliorer le service"),
    ("En qualité de trésorier, je souhaite rapprocher les dons et les paiements",
     "trésorier", "rapprocher les dons et les paiements", None),
    ("En tant que commercial,\nje souhaite voir mes rendez-vous du jour\nde sorte que j'organise ma tournée",
     "commercial", "voir mes rendez-vous du jour", "j'organise ma tournée"),
    ("En tant que vendeur je souhaite un rapport pour chaque client",
     "vendeur", "un rapport pour chaque client", None),
    ("En tant que vendeur je souhaite les contacts pour relancer les clients",
     "vendeur", "les contacts", "relancer les clients"),
    ("En tant que vendeur, je souhaite un rapport par client, ce qui me permettra de préparer mes visites",
     "vendeur", "un rapport par client", "préparer mes visites"),
    ("En tant que agent d'accueil, voir qui a appelé hier",
     "agent d'accueil", "voir qui a appelé hier", None),
    # English
    ("As a donor, I want to update my address so that I receive my tax receipt",
     "donor", "update my address", "I receive my tax receipt"),
    ("As an administrator I need to manage user rights in order to protect personal data",
     "administrator", "manage user rights", "protect personal data"),
    ("as a sales rep, i want to see my pipeline",
     "sales rep", "see my pipeline", None),
    ("As the marketing manager, I'd like to segment contacts so I can target campaigns",
     "marketing manager", "segment contacts", "I can target campaigns"),
    ("As a volunteer I would like to sign up for events, so that I can help",
     "volunteer", "sign up for events", "I can help"),
    ("As a support agent, I want to be able to see past tickets so that I answer faster",
     "support agent", "see past tickets", "I answer faster"),
    ("AS A CUSTOMER, I NEED AN INVOICE SO THAT I CAN PAY",
     "CUSTOMER", "AN INVOICE", "I CAN PAY"),
    ("As a manager, I want weekly reports",
     "manager", "weekly reports", None),
    ("As a donor, see my donations history",
     "donor", "see my donations history", None),
]

NOT_STORIES = [
    "",
    "   ",
    "Exporter les contacts en CSV",
    "Le CRM doit envoyer les reçus fiscaux automatiquement",
    "Je souhaite exporter les contacts afin de les envoyer à la compta",  # no role
    "Comme le dit Paul il faut un meilleur outil",  # "comme" without a want is not a story
    "En tant que commercial",  # role only, nothing wanted
    "I want a dashboard",
    "Tableau de bord : ventes par région, par mois",
]


def test_the_table_has_at_least_forty_phrasings() -> None:
    assert len(PHRASINGS) >= 40


@pytest.mark.parametrize(("text", "role", "want", "benefit"), PHRASINGS, ids=[p[0][:50] for p in PHRASINGS])
def test_story_parts_are_extracted(text: str, role: str, want: str, benefit: str | None) -> None:
    assert parse_story(text) == Story(role=role, want=want, benefit=benefit)


@pytest.mark.parametrize("text", NOT_STORIES)
def test_text_that_is_not_a_story_gives_none(text: str) -> None:
    assert parse_story(text) is None


def test_a_story_with_nbsp_and_trailing_spaces_parses() -> None:
    story = parse_story("En tant que\u00a0commercial\u00a0, je souhaite voir mes leads  ")
    assert story == Story("commercial", "voir mes leads", None)


@pytest.mark.parametrize("junk", [
    "En tant que " + ", " * 3000 + "x",
    "En tant que x" + " " * 3000 + "y",
    "En tant que " + "commercial " * 500,
])
def test_a_pasted_junk_cell_is_not_a_story(junk: str) -> None:
    assert parse_story(junk) is None
