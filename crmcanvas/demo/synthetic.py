"""Synthetic canvases of any size, for tests and benchmarks. Deterministic for a seed.

Three modes, one per question a test or a benchmark asks:

``exact``
    Every column of the contract, each tab exactly the size asked, every
    reference valid, simple French stories. For the loader, the sources and
    their benchmarks: "does a canvas of this shape load, and how fast?".
``realistic``
    A backlog as workshops write it, with proportionate other tabs and a few
    planted gaps. Stories are drawn from roles x verbs x objects x qualifiers x
    benefits with variation (story scaffolding in several spellings, some free
    text, some English) and ~3 % re-captured needs (a typo, a comma, a swapped
    word). Most needs also name something specific (a product, a partner, a
    site) from a pool that grows with the backlog (``specific_per_need``): real
    backlogs obey Heaps' law. With ``specific_per_need=0`` the vocabulary is
    fixed at ~220 words, so genuine near-duplicate pairs grow with n². For the
    analysis benchmarks.
``templated``
    The realistic canvas, but every need is one sentence that differs only by
    its numbers (« …exporter la liste 17 afin de suivre le lot 3 »): the
    adversarial case of the near-duplicate search.
"""

from __future__ import annotations

import random
from typing import Literal

from crmcanvas.core.schema import TABS

Grid = list[list[str]]
Mode = Literal["exact", "realistic", "templated"]


def synthetic_grids(needs: int = 10_000, mode: Mode = "exact", *, seed: int = 7, stakes: int = 50, objects: int = 200,
                    apps: int = 100, people: int = 500, roles: int = 50, duplicate_rate: float = 0.03,
                    specific_per_need: float = 0.2) -> dict[str, Grid]:
    """Six grids keyed by canonical tab, header row first (French labels), every cell a string.

    ``stakes`` … ``roles`` size the other tabs in ``exact`` mode; ``duplicate_rate`` and
    ``specific_per_need`` shape the ``realistic`` backlog.
    """
    if mode == "exact":
        return _exact_grids(needs, stakes, objects, apps, people, roles, seed)
    if mode in ("realistic", "templated"):
        return _realistic_grids(needs, seed, duplicate_rate, specific_per_need, templated=mode == "templated")
    raise ValueError(f"unknown mode {mode!r}: exact, realistic or templated")


# ---------------------------------------------------------------- exact

_SIMPLE_ROLES = ["chargé de collecte", "responsable bénévolat", "comptable", "donateur", "adhérent", "bénévole",
                 "directrice", "chargée de communication", "partenaire", "gestionnaire de la relation donateurs"]
_SIMPLE_VERBS = ["consulter", "exporter", "mettre à jour", "retrouver", "valider", "suivre", "relancer", "segmenter", "archiver",
                 "importer"]
_SIMPLE_OBJECTS = ["l'historique des dons", "les adhésions à renouveler", "les missions bénévoles", "les reçus fiscaux",
                   "les conventions de partenariat", "les inscriptions aux événements", "les coordonnées des contacts",
                   "les campagnes d'appel aux dons", "les promesses de legs", "les cotisations impayées"]
_SIMPLE_WHY = ["gagner du temps", "éviter les doublons", "fidéliser nos donateurs", "piloter l'activité",
               "respecter le RGPD", "préparer le conseil d'administration", "mieux accueillir les nouveaux bénévoles"]
_SIMPLE_CONTEXT = ["chaque mois", "depuis mon téléphone", "en un clic", "par région", "avant chaque campagne", "sans passer par Excel"]


def _ids(prefix: str, n: int, width: int) -> list[str]:
    return [f"{prefix}{i:0{width}d}" for i in range(1, n + 1)]


def _header(tab: str) -> list[str]:
    return [c.label for c in TABS[tab].columns]


def _exact_grids(needs: int, stakes: int, objects: int, apps: int, people: int, roles: int, seed: int) -> dict[str, Grid]:
    rnd = random.Random(seed)
    width = max(3, len(str(needs)))
    e_ids, d_ids, a_ids = _ids("E", stakes, 2), _ids("D", objects, 3), _ids("A", apps, 3)
    p_ids, r_ids = _ids("P", people, 3), _ids("R", roles, 2)
    n_roles = len(_SIMPLE_ROLES)
    role_names = [f"{_SIMPLE_ROLES[i % n_roles]} {i // n_roles + 1}" if i >= n_roles else _SIMPLE_ROLES[i] for i in range(roles)]
    obj_names = [f"Objet {i}" for i in range(1, objects + 1)]
    grids: dict[str, Grid] = {
        "enjeux": [_header("enjeux")] + [
            [e, f"Enjeu {i}", "Aujourd'hui…", "Demain…", f"Indicateur {i}", "10", "20", rnd.choice(["3 mois", "6 mois", "12 mois"]),
             rnd.choice(p_ids), rnd.choice(["Haute", "Moyenne", "Basse"])] for i, e in enumerate(e_ids, 1)],
        "roles": [_header("roles")] + [
            [r, role_names[i], rnd.choice(["Interne", "Externe"]), "Collecte", "…", ""] for i, r in enumerate(r_ids)],
        "personnes": [_header("personnes")] + [
            [p, f"Prénom{i}", f"Nom{i}", f"p{i}@exemple.org", "Chargé", rnd.choice(["Direction", "Finance", "Marketing"]),
             "Asso", rnd.choice(r_ids), rnd.choice(["Contributeur", "Référent métier"])] for i, p in enumerate(p_ids, 1)],
        "donnees": [_header("donnees")] + [
            [d, obj_names[i], "Définition…", "nom, date, montant", rnd.choice(r_ids), rnd.choice(a_ids), "Oui"] for i, d in enumerate(d_ids)],
        "applications": [_header("applications")] + [
            [a, f"Application {i}", "Outil", rnd.choice(["En place", "À remplacer", "Candidate"]), rnd.choice(p_ids),
             ", ".join(rnd.sample(d_ids, 3)), rnd.choice(a_ids), "Interne"] for i, a in enumerate(a_ids, 1)],
    }
    rows = [_header("besoins")]
    for i in range(1, needs + 1):
        role = rnd.randrange(roles)
        story = (f"En tant que {role_names[role]}, je souhaite {rnd.choice(_SIMPLE_VERBS)} {rnd.choice(_SIMPLE_OBJECTS)} "
                 f"{rnd.choice(_SIMPLE_CONTEXT)} afin de {rnd.choice(_SIMPLE_WHY)}")
        data = rnd.sample(d_ids, 2) if rnd.random() < 0.7 else [rnd.choice(obj_names)]
        rows.append([
            f"B{i:0{width}d}", story, r_ids[role] if rnd.random() < 0.8 else "",
            "; ".join(rnd.sample(e_ids, rnd.randint(1, 2))), ", ".join(data), rnd.choice(a_ids),
            rnd.choice(["Must", "Should", "Could", "Won't"]), rnd.choice(["Nouveau", "Qualifié", "Validé", "Rejeté"]),
            f"Lot {rnd.randint(1, 3)}", rnd.choice(p_ids), rnd.choice(["Standard", "Paramétrage", "Spécifique"]),
        ])
    grids["besoins"] = rows
    return grids


# ---------------------------------------------------------------- realistic, templated

ROLES = [
    "Commercial", "Responsable commercial", "Responsable marketing", "Chargé d'accueil", "Technicien", "Comptable",
    "Directeur général", "Donateur", "Bénévole", "Assistante commerciale", "Chef de projet", "Agent du service client",
    "Responsable qualité", "Trésorier", "Gestionnaire de contrats", "Client", "Partenaire", "Distributeur",
    "Fournisseur", "Responsable production", "Contrôleur de gestion", "Chargé de communication", "Juriste",
    "Responsable RH", "Administrateur CRM",
]
VERBS = [
    "voir", "consulter", "exporter", "créer", "modifier", "suivre", "relancer", "segmenter", "importer", "fusionner",
    "archiver", "imprimer", "recevoir", "partager", "planifier", "valider", "qualifier", "affecter", "comparer", "filtrer",
]
OBJECTS = [
    "Contact", "Prospect", "Client", "Opportunité", "Devis", "Facture", "Commande", "Don", "Donateur", "Campagne",
    "Événement", "Intervention", "Incident", "Réclamation", "Contrat", "Produit", "Tarif", "Rendez-vous", "Tâche",
    "Projet", "Lead", "Segment", "Newsletter", "Reçu fiscal", "Adhésion", "Cotisation", "Bénévolat", "Partenariat",
    "Fournisseur", "Livraison", "Stock", "Paiement", "Relance", "Visite", "Appel", "Courriel", "Document", "Ticket",
    "Abonnement", "Compte",
]
QUALIFIERS = [
    "", "de mon équipe", "du mois", "par région", "en retard", "non payés", "créés cette semaine", "de l'année dernière",
    "les plus importants", "en cours", "à valider", "par canal", "par produit", "par commercial", "sans activité depuis 6 mois",
]
CHANNELS = ["", "", "", "depuis mon mobile", "en un clic", "dans Outlook", "hors ligne", "depuis le portail", "chaque lundi"]
BENEFITS = [
    "gagner du temps", "ne plus oublier de relance", "prioriser mes actions", "mieux connaître mes clients",
    "réduire les erreurs de saisie", "répondre plus vite aux demandes", "préparer le comité de direction",
    "éviter les doublons", "mesurer l'efficacité des campagnes", "respecter le RGPD", "fidéliser les donateurs",
    "augmenter le taux de transformation", "suivre le chiffre d'affaires", "anticiper la charge de travail",
    "partager l'information avec l'équipe", "facturer sans retard", "réduire les impayés", "améliorer la satisfaction",
    "personnaliser les échanges", "piloter l'activité", "sécuriser les données", "limiter les ressaisies",
    "coordonner les interventions", "valoriser les bénévoles", "connaître l'historique", "cibler les prospects",
    "réussir les lancements", "justifier les dépenses", "tenir les délais", "comprendre les abandons",
]
WANTS = ["je souhaite", "je veux", "j'aimerais", "je dois pouvoir", "je voudrais", "j’aimerais"]
BENEFIT_MARKERS = ["de sorte que je puisse", "afin de", "pour", "afin de", "de manière à", ""]
INTROS = ["En tant que", "En tant que", "En tant que", "Comme", "en tant que"]
APPS = ["Salesforce", "HubSpot", "Excel Ventes", "Sage Compta", "Outlook", "Mailchimp", "Site web", "ERP Production",
        "Portail donateurs", "Zendesk", "Google Agenda", "Sharepoint", "Teams", "Power BI", "Facturation maison",
        "Outil de dons", "Odoo", "Calendly", "Typeform", "Logiciel de paie"]
PRIORITIES = ["Must", "Should", "Could", "Won't", "Must", "Should", ""]
STATUSES = ["Nouveau", "Qualifié", "Validé", "En cours", "Livré", "Rejeté", ""]
DEPARTMENTS = ["Direction", "Ventes", "Marketing", "Service client", "Production", "Finance", "Communication", "RH"]
SPECIFIC = ["du produit {}", "pour le partenaire {}", "dans le champ « {} »", "de l'antenne de {}", "de la campagne {}",
            "pour l'offre {}", "du site {}", "selon le segment {}"]
_SYLLABLES = ["ba", "cor", "di", "fen", "ga", "lu", "mar", "no", "pel", "ri", "sa", "tor", "va", "zen", "mi", "qua", "bre", "lo"]
TEMPLATE = "En tant que commercial, je souhaite exporter la liste {list} afin de suivre le lot {batch}"


def _name(i: int) -> str:
    """A made-up proper name, distinct for each i ("Bacordi", "Fenluno"…)."""
    parts = []
    i += len(_SYLLABLES)
    while i:
        i, r = divmod(i, len(_SYLLABLES))
        parts.append(_SYLLABLES[r])
    return "".join(parts).capitalize()


def _story(rng: random.Random, pool: int) -> str:
    obj = rng.choice(OBJECTS).lower()
    detail = rng.choice(SPECIFIC).format(_name(rng.randrange(pool))) if pool and rng.random() < 0.7 else ""
    plural = obj if obj[-1] in "sx" else obj + "s"
    parts = [rng.choice(VERBS), "les", plural, rng.choice(QUALIFIERS), detail, rng.choice(CHANNELS)]
    want = " ".join(p for p in parts if p)
    roll = rng.random()
    if roll < 0.08:  # free text, not a story
        return f"{want[0].upper()}{want[1:]} ({rng.choice(BENEFITS)})"
    if roll < 0.13:
        return f"As a {rng.choice(ROLES).lower()}, I want to {want} so that I can {rng.choice(BENEFITS)}"
    marker = rng.choice(BENEFIT_MARKERS)
    benefit = f" {marker} {rng.choice(BENEFITS)}" if marker else ""
    comma = "," if rng.random() < 0.7 else ""
    return f"{rng.choice(INTROS)} {rng.choice(ROLES).lower()}{comma} {rng.choice(WANTS)} {want}{benefit}"


def _mutate(text: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.3 and len(text) > 20:  # a typo
        i = rng.randrange(5, len(text) - 5)
        return text[:i] + text[i + 1:]
    if roll < 0.55:
        return text.replace(",", "", 1) if "," in text else text.replace(" je", ", je", 1)
    if roll < 0.8:
        return text.rstrip(".") + "."
    return text.replace("je souhaite", "je voudrais").replace("je veux", "je souhaite")


def _realistic_grids(n_needs: int, seed: int, duplicate_rate: float, specific_per_need: float, templated: bool) -> dict[str, Grid]:
    rng = random.Random(seed)
    pool = int(n_needs * specific_per_need)
    n_stakes = max(6, min(60, n_needs // 150))
    enjeux = [["ID", "Enjeu", "Indicateur", "Valeur cible", "Échéance", "Porteur", "Priorité"]]
    for i in range(1, n_stakes + 1):
        indicator = "" if i % 7 == 0 else f"Indicateur {i}"
        enjeux.append([f"E{i:02d}", f"Enjeu {i} : {rng.choice(BENEFITS)}", indicator, f"{rng.randint(5, 95)} %",
                       rng.choice(["3 mois", "6 mois", "12 mois"]), f"P{rng.randint(1, 40):02d}", rng.choice(["Haute", "Moyenne", "Basse"])])
    roles = [["ID", "Rôle", "Type", "Département", "Description"]]
    for i, role in enumerate(ROLES, 1):
        kind = "Externe" if role in {"Client", "Donateur", "Bénévole", "Partenaire", "Distributeur", "Fournisseur"} else "Interne"
        roles.append([f"R{i:02d}", role, kind, rng.choice(DEPARTMENTS), f"Rôle {role}"])
    personnes = [["ID", "Prénom", "Nom", "E-mail", "Département", "Rôles", "Implication"]]
    for i in range(1, 41):
        personnes.append([f"P{i:02d}", f"Prénom{i}", f"Nom{i}", f"p{i}@exemple.org", rng.choice(DEPARTMENTS),
                          "" if i % 11 == 0 else f"R{rng.randint(1, len(ROLES)):02d}", rng.choice(["Sponsor", "Pilote", "Contributeur"])])
    donnees = [["ID", "Objet", "Définition", "Attributs", "Propriétaire", "Application maître"]]
    for i, obj in enumerate(OBJECTS, 1):
        donnees.append([f"D{i:02d}", obj, "" if i % 9 == 0 else f"Définition de {obj.lower()}",
                        "" if i % 8 == 0 else "nom, date, statut", f"R{rng.randint(1, len(ROLES)):02d}",
                        "" if i % 10 == 0 else f"A{rng.randint(1, len(APPS)):02d}"])
    applications = [["ID", "Application", "Statut", "Propriétaire", "Données", "Échanges", "Interne / externe"]]
    for i, app in enumerate(APPS, 1):
        applications.append([f"A{i:02d}", app, rng.choice(["En place", "À remplacer", "Candidate"]), f"P{rng.randint(1, 40):02d}",
                             ", ".join(f"D{rng.randint(1, len(OBJECTS)):02d}" for _ in range(rng.randint(0, 3))),
                             f"A{rng.randint(1, len(APPS)):02d}", rng.choice(["Interne", "Externe"])])
    besoins = [["ID", "Besoin", "Rôle", "Enjeux", "Données", "Applications", "Priorité", "Statut", "Lot", "Exprimé par"]]
    texts: list[str] = []
    for i in range(1, n_needs + 1):
        if templated:
            text = TEMPLATE.format(list=rng.randint(1, 500), batch=rng.randint(1, 40))
        elif texts and rng.random() < duplicate_rate:
            text = _mutate(rng.choice(texts), rng)
        else:
            text = _story(rng, pool)
        texts.append(text)
        stakes = ", ".join(f"E{rng.randint(1, n_stakes):02d}" for _ in range(rng.choice([0, 1, 1, 1, 2])))
        data = ", ".join(rng.choice(OBJECTS) if rng.random() < 0.5 else f"D{rng.randint(1, len(OBJECTS)):02d}"
                         for _ in range(rng.choice([0, 1, 1, 2, 3])))
        if rng.random() < 0.01:
            data += ", Objet inconnu"
        besoins.append([f"B{i:05d}", text, "", stakes, data, "" if rng.random() < 0.6 else rng.choice(APPS),
                        rng.choice(PRIORITIES), rng.choice(STATUSES), f"Lot {rng.randint(1, 4)}", f"P{rng.randint(1, 40):02d}"])
    return {"enjeux": enjeux, "besoins": besoins, "donnees": donnees, "applications": applications,
            "personnes": personnes, "roles": roles}
