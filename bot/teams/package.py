"""The Teams app package: ``manifest.json`` plus two icons in a zip an admin uploads.

Pure apart from :func:`write_package`: :func:`manifest` builds the manifest (schema 1.17)
from the bot's client id and the host of its messaging endpoint; the command menu comes
from the same list as Loket's help (:data:`bot.teams.cards_monitoring.COMMANDS`), and the
message action is the one :mod:`bot.teams.dialogs` answers. No SDK import: this runs on
any Python Loket runs on.
"""
from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

from bot.teams import cards_monitoring as cm

MANIFEST_VERSION = "1.17"
SCHEMA_URL = f"https://developer.microsoft.com/en-us/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
APP_VERSION = "1.0.0"
ACCENT = "#154273"  # the Rijksoverheid blue of the weekly chart
COLOR_SIZE, OUTLINE_SIZE = 192, 32
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$", re.IGNORECASE)
SCOPES = ["personal", "team"]
RSC = [{"name": "ChannelMessage.Read.Group", "type": "Application"}]  # core replies without a mention


class PackageError(ValueError):
    """A setting the package needs is missing or wrong; ``str(exc)`` says what to do (Dutch and English)."""


def check(app_id: str | None, domain: str | None) -> tuple[str, str]:
    """The client id and host, checked; PackageError otherwise."""
    if not app_id:
        raise PackageError(
            "Geen app-id: zet CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID of geef --app-id "
            "(de client id van de app-registratie, zie docs/teams.md). / No app id: set "
            "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID or pass --app-id.")
    if not GUID.match(app_id):
        raise PackageError(f"De app-id '{app_id[:40]}' is geen GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx). / "
                           "The app id must be the app registration's client id (a GUID).")
    host = (domain or "").strip().removeprefix("https://").rstrip("/")
    if not HOST.match(host):
        raise PackageError("Geef --domain: de host van het messaging endpoint, bijvoorbeeld loket.example.nl. / "
                           "Pass --domain: the host name of the messaging endpoint.")
    return app_id.lower(), host.lower()


def manifest(app_id: str, domain: str, *, name: str = "Loket", developer: str = "Kernteam ondersteuningsarrangement",
             website: str | None = None, privacy_url: str | None = None, terms_url: str | None = None) -> dict[str, Any]:
    """The app manifest for the bot ``app_id`` served from ``domain`` (call :func:`check` first)."""
    site = website or f"https://{domain}/"
    commands = [{"title": word, "description": text[:128]} for word, text in cm.COMMANDS]
    return {
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": APP_VERSION,
        "id": app_id,
        "developer": {"name": developer, "websiteUrl": site, "privacyUrl": privacy_url or site + "privacy",
                      "termsOfUseUrl": terms_url or site + "voorwaarden"},
        "name": {"short": name, "full": f"{name}: kennis- en informatieloket"},
        "description": {
            "short": "Vragen over het ondersteuningsarrangement, met bronnen en het kernteam erachter.",
            "full": ("Loket beantwoordt vragen over het ondersteuningsarrangement met tekst uit de kennisbank en "
                     "noemt de bronnen. Vragen zonder goed antwoord gaan naar het kernteam, dat in Teams "
                     "antwoordt. Het kernteam logt signalen, volgt de provinciale plannen en krijgt elke maandag "
                     "het weekoverzicht."),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": ACCENT,
        "bots": [{"botId": app_id, "scopes": SCOPES, "supportsFiles": False, "isNotificationOnly": False,
                  "commandLists": [{"scopes": SCOPES, "commands": commands}]}],
        "composeExtensions": [{"botId": app_id, "commands": [{
            "id": cm.SIGNAL_COMMAND_ID, "type": "action", "title": "Log als signaal", "fetchTask": True,
            "description": "Log dit bericht als kans, risico of issue bij het kernteam", "context": ["message"],
        }]}],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [domain],
        "webApplicationInfo": {"id": app_id, "resource": f"api://{domain}/{app_id}"},
        "authorization": {"permissions": {"resourceSpecific": RSC}},
    }


def _png(image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def color_icon() -> bytes:
    """192×192, full colour: a white speech bubble on the accent colour."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (COLOR_SIZE, COLOR_SIZE), ACCENT)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((36, 44, 156, 124), radius=18, fill="white")
    draw.polygon([(64, 120), (64, 152), (96, 122)], fill="white")
    for x in (68, 96, 124):
        draw.ellipse((x - 8, 76, x + 8, 92), fill=ACCENT)
    return _png(image)


def outline_icon() -> bytes:
    """32×32, white on transparent (what Teams asks for the outline icon)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (OUTLINE_SIZE, OUTLINE_SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((4, 6, 27, 21), radius=3, outline=(255, 255, 255, 255), width=2)
    draw.polygon([(9, 20), (9, 27), (15, 21)], fill=(255, 255, 255, 255))
    return _png(image)


def package_bytes(app_manifest: dict[str, Any]) -> bytes:
    """The zip: manifest.json, color.png and outline.png at its root (as Teams expects)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(app_manifest, ensure_ascii=False, indent=2))
        zf.writestr("color.png", color_icon())
        zf.writestr("outline.png", outline_icon())
    return out.getvalue()


def write_package(path: Path, app_manifest: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(package_bytes(app_manifest))
    return path
