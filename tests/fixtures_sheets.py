"""Shared fixtures for the Google Sheets tests: a running stand-in, sources pointed at it, fake keys.

Import explicitly in a test module::

    from tests.fixtures_sheets import CANVAS, make_source, standin_fixture  # noqa: F401  (provides `standin`)

Nothing here reads ``/work/shared``: the response shapes the stand-in follows
are written into its own code.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from typing import Any

import pytest

from crmcanvas.core.config import Settings
from crmcanvas.core.schema import REQUIRED_TAB_KEYS
from crmcanvas.sources.gsheets import GoogleSheetSource
from crmcanvas.standin import StandIn

Grid = list[list[str]]

# A small coherent canvas under the default French tab titles (accents included).
CANVAS: dict[str, Grid] = {
    "enjeux": [
        ["ID", "Enjeu", "Indicateur", "Porteur", "Priorité"],
        ["E01", "Fidéliser les donateurs", "Taux de réabonnement", "P01", "Haute"],
        ["E02", "Simplifier les reçus fiscaux", "Délai d'envoi", "P02", "Moyenne"],
    ],
    "besoins": [
        ["ID", "Besoin", "Rôle", "Enjeux", "Données", "Applications", "Priorité", "Statut", "Lot", "Exprimé par", "Type"],
        ["B001", "En tant que chargé de collecte, je souhaite voir l'historique des dons afin de relancer au bon moment",
         "R01", "E01", "D01", "A01", "Must", "Validé", "Lot 1", "P01", "Standard"],
        ["B002", "En tant que comptable, je souhaite éditer les reçus fiscaux en un clic afin de gagner du temps",
         "R02", "E02", "D02", "A01", "Should", "Nouveau"],  # ragged: trailing cells absent, as Google sends them
        [],  # a blank row in the middle
        ["B003", "En tant que chargé de collecte, je souhaite segmenter les donateurs afin de cibler les campagnes",
         "R01", "E01", "D01", "", "Could", "Nouveau", "Lot 2", "P02", "Paramétrage"],
    ],
    "données": [
        ["ID", "Objet", "Définition", "Propriétaire", "Application maître"],
        ["D01", "Donateur", "Personne ayant fait au moins un don", "R01", "A01"],
        ["D02", "Reçu fiscal", "Document adressé au donateur", "R02", "A01"],
    ],
    "applications": [
        ["ID", "Application", "Statut", "Propriétaire", "Données", "Interne / externe"],
        ["A01", "Base donateurs", "À remplacer", "P01", "D01, D02", "Interne"],
    ],
    "personnes": [
        ["ID", "Prénom", "Nom", "E-mail", "Département", "Rôles", "Implication"],
        ["P01", "Claire", "Dubois", "claire@exemple.org", "Collecte", "R01", "Pilote"],
        ["P02", "Marc", "Petit", "marc@exemple.org", "Finance", "R02", "Contributeur"],
    ],
    "rôles": [
        ["ID", "Rôle", "Type", "Département"],
        ["R01", "Chargé de collecte", "Interne", "Collecte"],
        ["R02", "Comptable", "Interne", "Finance"],
    ],
}

WANTED: dict[str, str] = {key: title for key, title in Settings().tabs.items() if key in REQUIRED_TAB_KEYS}  # ("donnees" -> "données")


@pytest.fixture(name="standin")
def standin_fixture() -> Iterator[StandIn]:
    """A stand-in serving :data:`CANVAS` (its default spreadsheet), stopped after the test."""
    with StandIn() as server:
        server.add_spreadsheet(CANVAS)
        yield server


class Sleeps(list[float]):
    """Records the waits a source asked for, without waiting (retries run instantly in tests).

    :meth:`clock` is the real clock moved on by every wait asked for, so a
    deadline counts the pauses as if they had been slept.
    """

    def __call__(self, seconds: float) -> None:
        self.append(seconds)

    def clock(self) -> float:
        return time.monotonic() + sum(self)


def make_source(
    server: StandIn,
    *,
    spreadsheet_id: str | None = None,
    secrets: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
    sleeps: Sleeps | None = None,
    clock: Any = None,
    rng: Any = None,
    sleep: Any = None,
    deadline: float | None = None,
    write_deadline: float | None = None,
    **settings: Any,
) -> GoogleSheetSource:
    """A GoogleSheetSource on the real gspread client, talking HTTP to ``server``.

    Pauses are recorded in ``sleeps`` without waiting, unless ``sleep`` (e.g.
    ``time.sleep``) is given: tests where Google answers late need real time to pass.
    """
    cfg = Settings(sheets_endpoint=server.endpoint, **settings)
    sleeps = sleeps if sleeps is not None else Sleeps()
    real = sleep is not None
    extra: dict[str, Any] = {"sleep": sleep if real else sleeps,
                             "clock": clock if clock is not None else (time.monotonic if real else sleeps.clock)}
    if deadline is not None:
        extra["deadline"] = deadline
    if write_deadline is not None:
        extra["write_deadline"] = write_deadline
    if rng is not None:
        extra["rng"] = rng
    return GoogleSheetSource.from_settings(server.url(spreadsheet_id), cfg, secrets or {}, environ=environ or {}, **extra)


@functools.cache
def _private_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()


def service_account_info(email: str = "crmcanvas@atelier-crm.iam.gserviceaccount.com") -> dict[str, str]:
    """A service-account key shaped like the JSON Google Cloud hands out (freshly generated, worthless)."""
    return {
        "type": "service_account",
        "project_id": "atelier-crm",
        "private_key_id": "0123456789abcdef0123456789abcdef01234567",
        "private_key": _private_key_pem(),
        "client_email": email,
        "client_id": "123456789012345678901",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/crmcanvas%40atelier-crm.iam.gserviceaccount.com",
        "universe_domain": "googleapis.com",
    }


def key_body(info: dict[str, str]) -> str:
    """The distinctive part of the private key (what must never leak), without the PEM armour."""
    lines = [line for line in info["private_key"].splitlines() if line and "PRIVATE KEY" not in line]
    return "".join(lines)
