"""What went wrong talking to Google, in French, with what to do about it.

Two questions are answered here and nowhere else: is a failure worth retrying
(429, 5xx, timeouts, connection errors: yes; 401/403/404: no), and what does
the facilitator read when it is not. Messages name the service account's
e-mail (the address the sheet must be shared with), never anything from its key.
"""

from __future__ import annotations

from collections.abc import Mapping

import requests
from gspread.exceptions import APIError

from crmcanvas.sources.base import SourceError
from crmcanvas.sources.google_auth import DOC_HINT


class RangeGone(SourceError):
    """400 "Unable to parse range": a tab was renamed or deleted after the metadata was read."""


def status_of(exc: BaseException) -> int | None:
    """The HTTP status (from the response: gspread reports -1 for Google's HTML error pages)."""
    return getattr(getattr(exc, "response", None), "status_code", None)


def api_message(exc: BaseException) -> str:
    error = getattr(exc, "error", None)
    return str(error.get("message", "")) if isinstance(error, Mapping) else ""


def transient(exc: BaseException) -> bool:
    """429, 5xx, timeouts, connection errors, and token-endpoint hiccups google-auth marks retryable."""
    if isinstance(exc, APIError):
        status = status_of(exc)
        return status == 429 or (status is not None and status >= 500)
    if isinstance(exc, requests.Timeout | requests.ConnectionError):
        return True
    from google.auth import exceptions as gauth

    if isinstance(exc, gauth.TransportError):
        return True
    return isinstance(exc, gauth.RefreshError) and bool(getattr(exc, "retryable", False))


def only_quota(exc: BaseException) -> bool:
    """Errors after which a non-idempotent request (an append) surely did not happen."""
    return isinstance(exc, APIError) and status_of(exc) == 429


def retry_after(exc: BaseException) -> float | None:
    """Google's ``Retry-After`` hint, in seconds, if it sent one."""
    response = getattr(exc, "response", None)
    value = getattr(response, "headers", {}).get("Retry-After") if response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def key_refused(email: str, what: str) -> SourceError:
    return SourceError(
        f"Google refuse la clé du compte de service « {email} » ({what} impossible).",
        suggestion="La clé a peut-être été supprimée dans la console Google Cloud, ou l'horloge de cette machine est "
        "décalée. Créez une nouvelle clé JSON et remplacez-la dans .streamlit/secrets.toml. " + DOC_HINT,
    )


def api_error(exc: APIError, *, key: str, email: str, what: str) -> SourceError:
    """A non-retryable answer from Google as a SourceError the facilitator can act on."""
    status = status_of(exc)
    message = api_message(exc)
    if status == 400 and "Unable to parse range" in message:
        return RangeGone(f"Onglet introuvable pendant : {what} (renommé ou supprimé ?). Google : {message}",
                         suggestion="Actualisez le tableau de bord.")
    if status == 401:
        if not email:
            return SourceError("Google demande une authentification : aucun compte de service n'est configuré.", suggestion=DOC_HINT)
        return key_refused(email, what)
    if status == 403:
        if "has not been used" in message or "disabled" in message.lower():
            return SourceError(
                "L'API Google Sheets n'est pas activée pour le projet Google Cloud du compte de service.",
                suggestion="Console Google Cloud > API et services > Bibliothèque > « Google Sheets API » > Activer, "
                "puis réessayez quelques minutes plus tard.",
            )
        if not email:
            return SourceError("Cette feuille n'est pas accessible sans compte de service.", suggestion=DOC_HINT)
        return SourceError(
            f"Le compte de service « {email} » n'a pas accès à cette feuille.",
            suggestion=f"Dans Google Sheets, cliquez sur « Partager » et ajoutez {email} avec le rôle Éditeur "
            "(Lecteur suffit pour afficher le tableau de bord sans rien écrire).",
        )
    if status == 404:
        return SourceError(
            f"Feuille Google introuvable : aucune feuille ne porte la clé « {key} ».",
            suggestion="Vérifiez l'URL : copiez-la depuis la barre d'adresse du navigateur "
            "(https://docs.google.com/spreadsheets/d/…/edit).",
        )
    if "not supported for this document" in message:
        return SourceError(
            "Ce document est un fichier Excel (.xlsx) déposé dans Google Drive, pas une Google Sheet : l'API ne sait pas le lire.",
            suggestion="Ouvrez-le dans Google Sheets, puis Fichier > Enregistrer au format Google Sheets, "
            "et utilisez l'URL de la nouvelle feuille.",
        )
    return SourceError(f"Google Sheets a refusé la requête ({what}) : {message or status}.",
                       suggestion="Vérifiez les noms d'onglets et de colonnes dans la configuration.")


__all__ = ["RangeGone", "api_error", "api_message", "key_refused", "only_quota", "retry_after", "status_of", "transient"]
