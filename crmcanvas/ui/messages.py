"""One message catalogue for the screens: French by default, English available."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "app_title": {"fr": "Canevas Systémique", "en": "Systemic Canvas"},
    "page_overview": {"fr": "Vue d'ensemble", "en": "Overview"},
    "page_quality": {"fr": "Qualité des données", "en": "Data quality"},
    "page_tabs": {"fr": "Onglets du canevas", "en": "Canvas tabs"},
    "source": {"fr": "Source", "en": "Source"},
    "read_at": {"fr": "lu à", "en": "read at"},
    "stale": {"fr": "Données figées depuis {age}. {error} La dernière version valide reste affichée ; nouvel essai automatique.",
              "en": "Data frozen for {age}. {error} The last good version stays on screen; retrying automatically."},
    "demo_hint": {"fr": "Canevas de démonstration : configurez votre Google Sheet pour voir le vôtre (voir README).",
                  "en": "Demo canvas: configure your Google Sheet to see yours (see README)."},
    "errors": {"fr": "Erreurs", "en": "Errors"},
    "warnings": {"fr": "Avertissements", "en": "Warnings"},
    "infos": {"fr": "Infos", "en": "Info"},
    "no_findings": {"fr": "Aucun constat : le canevas est propre.", "en": "No findings: the canvas is clean."},
    "source_error": {"fr": "Impossible de lire le canevas", "en": "Cannot read the canvas"},
    "config_error": {"fr": "Configuration invalide", "en": "Invalid configuration"},
    "findings": {"fr": "Constats", "en": "Findings"},
    "severity": {"fr": "Sévérité", "en": "Severity"},
    "tab": {"fr": "Onglet", "en": "Tab"},
    "row": {"fr": "Ligne", "en": "Row"},
    "column": {"fr": "Colonne", "en": "Column"},
    "value": {"fr": "Valeur", "en": "Value"},
    "message": {"fr": "Message", "en": "Message"},
    "suggestion": {"fr": "Suggestion", "en": "Suggestion"},
    "code": {"fr": "Code", "en": "Code"},
    "refresh": {"fr": "Relire maintenant", "en": "Reload now"},
    "choose_tab": {"fr": "Onglet", "en": "Tab"},
    "rows": {"fr": "lignes", "en": "rows"},
    "all_tabs": {"fr": "Tous les onglets", "en": "All tabs"},
    "shown_first": {"fr": "{shown} premiers constats affichés sur {total} : téléchargez la liste complète.",
                    "en": "First {shown} of {total} findings shown: download the full list."},
    "download_csv": {"fr": "Télécharger les constats (CSV)", "en": "Download findings (CSV)"},
}

SEVERITY_LABELS = {
    "fr": {"error": "Erreur", "warning": "Attention", "info": "Info"},
    "en": {"error": "Error", "warning": "Warning", "info": "Info"},
}


def t(key: str, lang: str = "fr", **kwargs: object) -> str:
    text = MESSAGES[key].get(lang) or MESSAGES[key]["fr"]
    return text.format(**kwargs) if kwargs else text
