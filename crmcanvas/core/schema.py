"""The canvas contract: six tabs, their canonical columns, aliases and value sets.

This module knows nothing else. Aliases are French first, English accepted; they
are compared after :func:`crmcanvas.core.text.fold`, so accents, case, spacing and
punctuation do not matter. Users add spellings in ``config/canvas.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from crmcanvas.i18n import DEFAULT_LANG, has, t

Kind = Literal["id", "text", "ref", "list", "enum", "email", "date"]


@dataclass(frozen=True)
class Column:
    key: str
    aliases: tuple[str, ...] = ()
    kind: Kind = "text"
    targets: tuple[str, ...] = ()  # for refs: tabs searched, in order
    relation: str | None = None  # edge name for refs
    enum: str | None = None  # value set name for enums
    need: Literal["required", "recommended", "optional"] = "optional"
    tab: str = ""  # set by the Tab that holds it
    one_per_cell: bool = False  # for refs: a cell names one row (a need has one role), not a list ("E1, E3")

    def label_in(self, lang: str = DEFAULT_LANG) -> str:
        """The header crmcanvas shows and writes for this column, in ``lang``."""
        return t(f"schema.columns.{self.tab}.{self.key}", lang)

    @property
    def label(self) -> str:
        """The French header (what new tabs and the demo carry)."""
        return self.label_in(DEFAULT_LANG)


@dataclass(frozen=True)
class Tab:
    key: str
    title: str  # default sheet title
    id_prefix: str
    name_column: str
    columns: tuple[Column, ...] = field(default_factory=tuple)
    optional: bool = False  # a canvas may leave it out: no finding when absent (the checklist)
    id_from: tuple[str, ...] = ()  # without an ID column, a row's ID joins these cells (« Solution A — B01 »): no ID column expected

    def __post_init__(self) -> None:
        for col in self.columns:
            object.__setattr__(col, "tab", self.key)

    def label_in(self, lang: str = DEFAULT_LANG) -> str:
        """The tab's name on screen, in ``lang`` ("Besoins" / "Needs")."""
        return t(f"schema.tabs.{self.key}", lang)

    @property
    def label(self) -> str:
        return self.label_in(DEFAULT_LANG)

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]


ID_ALIASES = ("id", "identifiant", "ref", "reference", "code", "n", "no", "n°", "numero", "num", "#", "key", "cle")

ENJEUX = Tab(
    "enjeux", "enjeux", "E", "enjeu",
    (
        Column("id", ID_ALIASES, "id"),
        Column("enjeu", ("enjeu", "enjeux", "titre", "intitule", "libelle", "nom", "stake", "stakes", "name", "title", "objectif strategique"), need="required"),
        Column("situation_actuelle", ("situation actuelle", "constat", "etat actuel", "aujourd hui", "current situation", "as is")),
        Column("situation_desiree", ("situation desiree", "situation souhaitee", "situation cible", "cible", "demain", "desired situation", "to be", "target situation")),
        Column("indicateur", ("indicateur", "indicateurs", "critere de succes", "criteres de succes", "critere de reussite", "kpi", "mesure", "success criteria", "success criterion", "indicator", "metric"), need="recommended"),
        Column("valeur_actuelle", ("valeur actuelle", "valeur de depart", "current value", "baseline")),
        Column("valeur_cible", ("valeur cible", "cible chiffree", "target value", "target")),
        Column("echeance", ("echeance", "horizon", "delai", "date cible", "deadline", "due", "timeframe")),
        Column("porteur", ("porteur", "responsable", "sponsor", "owner", "pilote"), "ref", ("personnes",), "porteur", one_per_cell=True),
        Column("priorite", ("priorite", "importance", "priority"), "enum", enum="importance"),
    ),
)

BESOINS = Tab(
    "besoins", "besoins", "B", "besoin",
    (
        Column("id", ID_ALIASES, "id"),
        Column("besoin", ("besoin", "besoins", "user story", "story", "recit utilisateur", "histoire utilisateur", "description", "libelle", "intitule", "besoin exprime", "need", "requirement", "exigence"), need="required"),
        Column("role", ("role", "roles", "acteur", "en tant que", "persona", "as a", "actor"), "ref", ("roles",), "role", one_per_cell=True),
        Column("enjeux", ("enjeux", "enjeu", "enjeux lies", "enjeu lie", "enjeux concernes", "enjeux strategiques", "stakes", "stake", "related stakes"), "ref", ("enjeux",), "enjeu", need="recommended"),
        Column("donnees", ("donnees", "donnee", "objets", "objet", "objets metier", "data", "data objects", "data object", "entites"), "ref", ("donnees",), "donnee", need="recommended"),
        Column("applications", ("applications", "application", "outils", "outil", "apps", "app", "systems", "system", "ressources digitales"), "ref", ("applications",), "application"),
        Column("priorite", ("priorite", "moscow", "priorite moscow", "priority"), "enum", enum="moscow", need="recommended"),
        Column("statut", ("statut", "etat", "status", "state", "avancement"), "enum", enum="statut_besoin"),
        Column("lot", ("lot", "lot de livraison", "release", "sprint", "phase", "iteration", "version", "jalon")),
        Column("exprime_par", ("exprime par", "auteur", "demandeur", "demande par", "source", "porte par", "expressed by", "author", "requested by", "requester"), "ref", ("personnes",), "exprime_par", one_per_cell=True),
        Column("type", ("type", "nature", "type de besoin", "type de solution", "kind"), "enum", enum="type_besoin"),
    ),
)

DONNEES = Tab(
    "donnees", "données", "D", "objet",
    (
        Column("id", ID_ALIASES, "id"),
        Column("objet", ("objet", "objets", "objet metier", "donnee", "donnees", "nom", "terme", "concept", "entite", "object", "data object", "entity", "name", "term"), need="required"),
        Column("definition", ("definition", "description", "signification", "meaning"), need="recommended"),
        Column("attributs", ("attributs", "attribut", "champs", "champ", "proprietes", "attributes", "fields"), "list", need="recommended"),
        Column("proprietaire", ("proprietaire", "responsable", "garant", "data owner", "owner"), "ref", ("roles", "personnes"), "proprietaire", one_per_cell=True),
        Column("application_maitre", ("application maitre", "systeme maitre", "application source", "source de verite", "master application", "master system", "system of record", "master"), "ref", ("applications",), "application_maitre", one_per_cell=True),
        Column("reprise", ("reprise", "reprise des donnees", "migration", "historique", "data migration")),
    ),
)

APPLICATIONS = Tab(
    "applications", "applications", "A", "application",
    (
        Column("id", ID_ALIASES, "id"),
        Column("application", ("application", "applications", "nom", "outil", "logiciel", "ressource", "name", "tool", "software"), need="required"),
        Column("categorie", ("categorie", "famille", "domaine", "category")),
        Column("statut", ("statut", "devenir", "avenir", "decision", "status", "fate"), "enum", enum="statut_application"),
        Column("proprietaire", ("proprietaire", "responsable", "owner"), "ref", ("personnes", "roles"), "proprietaire", one_per_cell=True),
        Column("donnees", ("donnees", "donnee", "objets", "data", "data objects"), "ref", ("donnees",), "donnee"),
        Column("echanges", ("echanges", "interfaces", "flux", "integrations", "interfaces avec", "connexions", "applications connectees", "exchanges", "integrates with"), "ref", ("applications",), "echange"),
        Column("interne_externe", ("interne externe", "interne ou externe", "hebergement", "internal external", "scope"), "enum", enum="interne_externe"),
    ),
)

PERSONNES = Tab(
    "personnes", "personnes", "P", "nom",
    (
        Column("id", ID_ALIASES, "id"),
        Column("prenom", ("prenom", "first name", "firstname", "given name")),
        Column("nom", ("nom", "nom de famille", "last name", "lastname", "surname", "name", "personne", "nom complet", "full name"), need="required"),
        Column("email", ("email", "e mail", "mail", "courriel", "adresse email", "adresse e mail", "adresse mail"), "email"),
        Column("fonction", ("fonction", "poste", "titre", "job title", "title", "position")),
        Column("departement", ("departement", "service", "direction", "pole", "equipe", "department", "team"), need="recommended"),
        Column("organisation", ("organisation", "societe", "entreprise", "structure", "company", "organization", "organisation externe")),
        Column("roles", ("roles", "role", "roles canevas"), "ref", ("roles",), "role", need="recommended"),
        Column("implication", ("implication", "role projet", "role dans le projet", "involvement", "engagement"), "enum", enum="implication"),
    ),
)

ROLES = Tab(
    "roles", "rôles", "R", "role",
    (
        Column("id", ID_ALIASES, "id"),
        Column("role", ("role", "roles", "nom", "intitule", "libelle", "name"), need="required"),
        Column("type", ("type", "interne externe", "interne ou externe", "internal external", "kind"), "enum", enum="interne_externe"),
        Column("departement", ("departement", "service", "direction", "pole", "department", "team")),
        Column("description", ("description", "mission", "missions", "details")),
        Column("persona", ("persona", "profil", "segment", "profile")),
    ),
)

# The CRM project checklist (seed document 001): optional, a canvas may track its progress here.
# One row per sub-item (an item without sub-items has one row); the template is
# crmcanvas/analysis/checklist_template.toml, the progress crmcanvas.analysis.checklist.
CHECKLIST = Tab(
    "checklist", "checklist", "C", "item",
    (
        Column("id", ID_ALIASES, "id"),
        Column("chapitre", ("chapitre", "chapitres", "partie", "theme", "chapter", "section")),
        Column("item", ("item", "items", "sujet", "point", "action", "tache", "element", "topic", "task"), need="required"),
        Column("sous_item", ("sous item", "sous items", "sous element", "sous point", "sous tache", "detail", "sub item", "subitem", "sub task", "sub topic")),
        Column("statut", ("statut", "etat", "avancement", "status", "state", "progress"), "enum", enum="statut_checklist", need="recommended"),
        Column("responsable", ("responsable", "porteur", "qui", "pilote", "owner", "responsible", "assignee", "assigned to", "who"), "ref", ("personnes",), "responsable", need="recommended", one_per_cell=True),
        Column("echeance", ("echeance", "date", "date limite", "date cible", "pour le", "deadline", "due", "due date", "due on"), "date"),
        Column("commentaire", ("commentaire", "commentaires", "remarque", "remarques", "note", "notes", "comment", "comments")),
    ),
    optional=True,
)

# The comparison of vendors and integrators (seed document 004, « Choisir un CRM », « Choisir un intégrateur »):
# two optional tabs of the same shape, read by crmcanvas.build.answers and scored by crmcanvas.analysis.vendors.
# Long layout: one row per (solution, need) with Solution, Besoin, Réponse, Commentaire. Wide layout: one row per
# need and one column per solution, headed by its name; the schema cannot name those columns, so the loader keeps
# them as unknown columns (canvas.extra_columns) and crmcanvas.build.answers reads them.
_NEED_ALIASES = ("besoin", "besoins", "id besoin", "ref besoin", "reference besoin", "numero besoin", "exigence", "exigences",
                 "user story", "story", "fonctionnalite", "need", "needs", "need id", "requirement", "requirements", "feature")
_ANSWER_ALIASES = ("reponse", "reponses", "couverture", "niveau de couverture", "reponse editeur", "reponse integrateur",
                   "reponse de l editeur", "evaluation", "answer", "answers", "response", "coverage", "fit")
_COMMENT_ALIASES = ("commentaire", "commentaires", "remarque", "remarques", "precision", "precisions", "note", "notes",
                    "comment", "comments", "remarks")


def _answers_tab(key: str, title: str, prefix: str, who: tuple[str, ...]) -> Tab:
    return Tab(
        key, title, prefix, "solution",
        (
            Column("id", ID_ALIASES, "id"),
            Column("solution", who),
            Column("besoin", _NEED_ALIASES, "ref", ("besoins",), "evalue"),
            Column("reponse", _ANSWER_ALIASES, "enum", enum="reponse"),
            Column("commentaire", _COMMENT_ALIASES),
        ),
        optional=True,
        id_from=("solution", "besoin"),
    )


EDITEURS = _answers_tab("editeurs", "éditeurs", "S", (
    "solution", "solutions", "editeur", "editeurs", "logiciel", "produit", "offre", "crm", "candidat", "fournisseur",
    "vendor", "vendors", "product", "software", "candidate", "supplier"))
INTEGRATEURS = _answers_tab("integrateurs", "intégrateurs", "I", (
    "integrateur", "integrateurs", "prestataire", "prestataires", "cabinet", "societe", "partenaire", "candidat",
    "fournisseur", "solution", "integrator", "integrators", "partner", "provider", "candidate", "supplier"))

# Other names people give the tabs; used only when the configured title is not found.
TAB_ALIASES: dict[str, tuple[str, ...]] = {
    "enjeux": ("enjeux", "enjeu", "stakes", "objectifs", "enjeux strategiques"),
    "besoins": ("besoins", "besoin", "backlog", "user stories", "needs", "exigences"),
    "donnees": ("donnees", "donnee", "data", "lexique", "glossaire", "objets", "modele de donnees", "data objects"),
    "applications": ("applications", "application", "ressources digitales", "apps", "outils", "logiciels"),
    "personnes": ("personnes", "personne", "parties prenantes", "equipe", "people", "stakeholders"),
    "roles": ("roles", "role"),
    "checklist": ("checklist", "check list", "checklist projet", "check list projet", "liste de controle", "preparation du projet"),
    "editeurs": ("editeurs", "editeur", "solutions", "solution", "comparatif editeurs", "comparatif solutions", "choix du crm",
                 "grille editeurs", "vendors", "vendor fit", "crm vendors"),
    "integrateurs": ("integrateurs", "integrateur", "comparatif integrateurs", "choix de l integrateur", "grille integrateurs",
                     "integrators", "integrator"),
}

TABS: dict[str, Tab] = {t.key: t for t in (ENJEUX, BESOINS, DONNEES, APPLICATIONS, PERSONNES, ROLES, CHECKLIST, EDITEURS,
                                            INTEGRATEURS)}
TAB_KEYS: tuple[str, ...] = tuple(TABS)
REQUIRED_TAB_KEYS: tuple[str, ...] = tuple(key for key, tab in TABS.items() if not tab.optional)
# What `crmcanvas template` and `init` write: the canvas and its checklist. The vendor grids (editeurs,
# integrateurs) have one column or row per solution under evaluation: the project makes them when it compares.
SETUP_TAB_KEYS: tuple[str, ...] = (*REQUIRED_TAB_KEYS, "checklist")

# Value sets: canonical code -> accepted spellings (folded).
ENUMS: dict[str, dict[str, tuple[str, ...]]] = {
    "moscow": {
        "must": ("must", "m", "must have", "indispensable", "obligatoire", "essentiel", "vital", "doit", "haute", "elevee", "high", "p1", "1", "critique", "critical"),
        "should": ("should", "s", "should have", "important", "importante", "devrait", "moyenne", "medium", "p2", "2", "souhaitable fort"),
        "could": ("could", "c", "could have", "souhaitable", "confort", "pourrait", "nice to have", "bonus", "basse", "faible", "low", "p3", "3", "optionnel"),
        "wont": ("wont", "won t", "w", "won t have", "will not", "pas maintenant", "plus tard", "hors perimetre", "exclu", "non retenu", "ne pas faire", "p4", "4"),
    },
    "importance": {
        "haute": ("haute", "elevee", "forte", "high", "critique", "must", "1", "p1", "prioritaire"),
        "moyenne": ("moyenne", "medium", "normale", "should", "2", "p2"),
        "basse": ("basse", "faible", "low", "could", "3", "p3"),
    },
    "statut_besoin": {
        "nouveau": ("nouveau", "nouvelle", "a qualifier", "brouillon", "idee", "new", "draft", "open", "ouvert", "a faire", "todo", "to do"),
        "qualifie": ("qualifie", "qualifiee", "a valider", "en revue", "qualified", "refined", "ready"),
        "valide": ("valide", "validee", "accepte", "retenu", "approuve", "validated", "accepted", "approved"),
        "en_cours": ("en cours", "en developpement", "en realisation", "in progress", "doing", "wip"),
        "livre": ("livre", "livree", "fait", "termine", "terminee", "realise", "en production", "done", "delivered", "closed", "ferme"),
        "rejete": ("rejete", "rejetee", "refuse", "abandonne", "abandonnee", "annule", "won t", "wont", "rejected", "cancelled", "canceled", "hors perimetre"),
    },
    "type_besoin": {
        "standard": ("standard", "natif", "out of the box", "ootb", "native"),
        "parametrage": ("parametrage", "configuration", "parametrable", "config", "configuration only"),
        "specifique": ("specifique", "developpement", "developpement specifique", "sur mesure", "custom", "custom development"),
    },
    "statut_application": {
        "en_place": ("en place", "existant", "actuel", "en service", "in place", "current", "existing"),
        "a_remplacer": ("a remplacer", "remplacer", "a decommissionner", "a supprimer", "obsolete", "to replace", "replace", "retire"),
        "a_conserver": ("a conserver", "conserver", "garder", "maintenu", "to keep", "keep"),
        "a_integrer": ("a integrer", "integrer", "a connecter", "to integrate", "integrate"),
        "candidate": ("candidate", "candidat", "envisage", "a l etude", "option", "candidate solution", "to evaluate"),
    },
    "interne_externe": {
        "interne": ("interne", "internal", "int", "i"),
        "externe": ("externe", "external", "ext", "e", "partenaire", "tiers"),
    },
    "statut_checklist": {
        "a_faire": ("a faire", "todo", "to do", "a lancer", "pas commence", "non commence", "not started", "open", "ouvert"),
        "en_cours": ("en cours", "commence", "demarre", "en partie", "partiel", "in progress", "started", "doing", "ongoing", "wip"),
        "fait": ("fait", "faite", "faits", "termine", "terminee", "fini", "finie", "realise", "realisee", "ok", "x", "oui", "done", "completed", "complete", "closed"),
        "non_applicable": ("non applicable", "n a", "na", "sans objet", "so", "non concerne", "hors perimetre", "not applicable", "irrelevant", "n/a"),
    },
    # A solution's answer for a need (tabs editeurs, integrateurs). "?" and "-" fold to nothing: a cell that says
    # it was not answered is « non évalué », like an empty one (never « non couvert »).
    "reponse": {
        "standard": ("standard", "natif", "native", "en standard", "std", "out of the box", "ootb", "oui", "yes", "inclus",
                     "included", "couvert", "covered"),
        "parametrage": ("parametrage", "parametrable", "configuration", "config", "configurable", "param", "a parametrer",
                        "configuration only"),
        "specifique": ("specifique", "developpement", "developpement specifique", "dev", "a developper", "sur mesure", "custom",
                       "custom development", "specific", "development"),
        "non_couvert": ("non couvert", "non", "no", "absent", "non disponible", "indisponible", "impossible", "aucun",
                        "pas couvert", "not covered", "not available", "none", "ko"),
        "non_evalue": ("non evalue", "a evaluer", "a verifier", "a confirmer", "inconnu", "en attente", "nc", "tbd", "tbc",
                       "not evaluated", "unknown", "to be confirmed", "pending", "?"),
    },
    "implication": {
        "sponsor": ("sponsor", "commanditaire", "direction", "executive sponsor"),
        "pilote": ("pilote", "chef de projet", "project lead", "lead", "responsable projet"),
        "referent_metier": ("referent metier", "referent", "key user", "utilisateur cle", "expert metier", "business referent"),
        "contributeur": ("contributeur", "contributrice", "participant", "utilisateur", "contributor", "user"),
    },
}

def value_label(code: str, lang: str = DEFAULT_LANG) -> str:
    """How a value-set code reads on screen ("must" -> "Must (indispensable)"); unknown values as typed."""
    key = f"schema.values.{code}"
    return t(key, lang) if code and has(key) else code

FORMULA_ERRORS = frozenset({"#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#ERROR!", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"})

DEFAULT_DEPARTMENTS: tuple[str, ...] = (
    "direction", "ventes", "marketing", "service client", "accueil", "production", "finance",
)
