"""``loket teams package``: write the Teams app package (manifest.json + icons) as a zip.

The client id comes from ``CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID`` (the SDK's
own setting, as ``loket serve`` reads it) or ``--app-id``; ``--domain`` is the host of the
messaging endpoint. Upload the zip in Teams (see docs/teams.md).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.settings import Settings

from .common import fail

DEFAULT_OUTPUT = "loket-teams.zip"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("teams", help="Microsoft Teams: het app-pakket maken")
    teams_sub = p.add_subparsers(dest="teams_command", metavar="TEAMS-COMMANDO")
    pkg = teams_sub.add_parser("package", help="het Teams-app-pakket (manifest.json + iconen) als zip schrijven")
    pkg.add_argument("--app-id", help="client id van de app-registratie (standaard: "
                                      "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID)")
    pkg.add_argument("--domain", required=False, help="host van het messaging endpoint, bijvoorbeeld loket.example.nl")
    pkg.add_argument("--name", default="Loket", help="naam van de app in Teams (standaard: Loket)")
    pkg.add_argument("--website", help="website van de ontwikkelaar (standaard: https://<domain>/)")
    pkg.add_argument("--privacy-url", help="privacyverklaring (standaard: https://<domain>/privacy)")
    pkg.add_argument("--terms-url", help="gebruiksvoorwaarden (standaard: https://<domain>/voorwaarden)")
    pkg.add_argument("--output", "-o", default=DEFAULT_OUTPUT, metavar="BESTAND.zip",
                     help=f"waar het pakket komt (standaard: {DEFAULT_OUTPUT})")
    pkg.set_defaults(func=cmd_package)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def cmd_package(args: argparse.Namespace) -> int:
    from bot.teams.package import PackageError, check, manifest, write_package

    settings = Settings.from_env()
    try:
        app_id, domain = check(args.app_id or settings.teams_client_id, args.domain)
    except PackageError as exc:
        return fail(str(exc))
    app_manifest = manifest(app_id, domain, name=args.name, website=args.website, privacy_url=args.privacy_url,
                            terms_url=args.terms_url)
    try:
        path = write_package(Path(args.output), app_manifest)
    except OSError as exc:
        return fail(f"kan {args.output} niet schrijven: {exc.strerror}")
    print(f"Teams-app-pakket geschreven: {path} (bot {app_id}, domein {domain}). Upload het in Teams: "
          "Apps → Apps beheren → Een app uploaden (zie docs/teams.md).", file=sys.stderr)
    return 0
