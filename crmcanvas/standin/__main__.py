"""``python -m crmcanvas.standin``: serve a workbook (or the demo canvas) as a Google Sheet on loopback."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from crmcanvas.standin import DEMO_SPREADSHEET_ID, StandIn


def _demo_tabs() -> dict[str, list[list[str]]]:
    from crmcanvas.demo import DEMO_TITLES, demo_grids  # the bundled demo canvas

    grids = demo_grids()
    return {DEMO_TITLES[key]: grid for key, grid in grids.items()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m crmcanvas.standin",
        description="Serveur local qui imite l'API Google Sheets v4 (tests, démonstration hors ligne).",
    )
    parser.add_argument("--port", type=int, default=8765, help="port d'écoute sur 127.0.0.1 (défaut : 8765 ; 0 = libre)")
    parser.add_argument("--xlsx", help="classeur .xlsx à servir (défaut : le canevas de démonstration)")
    parser.add_argument("--id", default=DEMO_SPREADSHEET_ID, help="clé de la feuille servie")
    parser.add_argument("--auth", choices=("open", "required"), default="open",
                        help="open : tout appel est accepté ; required : jeton /token et partage exigés")
    parser.add_argument("--share", action="append", default=[], help="e-mail avec qui la feuille est partagée (auth required)")
    args = parser.parse_args(argv)

    standin = StandIn(port=args.port, auth=args.auth)
    try:
        if args.xlsx:
            standin.watch(args.xlsx, args.id)
        else:
            standin.add_spreadsheet(_demo_tabs(), spreadsheet_id=args.id)
    except Exception as exc:  # not found, not a workbook: say which file and why, no traceback
        print(f"Erreur : impossible de lire « {args.xlsx} » : {exc}", file=sys.stderr)
        return 2
    for email in args.share:
        standin.share(email, args.id)
    tabs = [sheet.title for sheet in standin.store.spreadsheet(args.id).sheets]
    try:
        standin.start()
    except OSError as exc:
        print(f"Erreur : le port {args.port} est indisponible ({exc.strerror}). Essayez --port 0.", file=sys.stderr)
        return 2
    url = standin.url(args.id)
    print(f"Stand-in Google Sheets API v4 prêt sur {standin.endpoint}", flush=True)
    print(f"Feuille servie : {url} ({len(tabs)} onglets : {', '.join(tabs)})")
    if args.xlsx:
        print(f"Le classeur est relu dès qu'il change sur le disque : modifiez {args.xlsx} pour simuler une saisie en direct.")
    print("Pour que crmcanvas l'utilise :")
    print(f"  export CRMCANVAS_SHEETS_ENDPOINT={standin.endpoint}")
    print(f"  crmcanvas check {url}")
    print("Ctrl+C pour arrêter.", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        standin.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
