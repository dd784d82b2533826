"""Why a file could not be opened, read or written, in Dutch.

The OS's own text ("No such file or directory") is in the system's language, and users read
Dutch; each reason also says what to do. Here, below both ``index`` and ``bot``, so the
loaders and the CLI give the same words.
"""
from __future__ import annotations

import errno

OS_REASONS = {
    errno.ENOENT: "bestaat niet - controleer het pad",
    errno.EACCES: "geen leesrechten - controleer de rechten van het bestand",
    errno.EPERM: "geen toestemming - controleer de rechten van het bestand",
    errno.EISDIR: "is een map - geef een bestand",
    errno.ENOTDIR: "een deel van het pad is geen map - controleer het pad (en LOKET_DATA_DIR)",
    errno.EEXIST: "bestaat al als bestand waar een map nodig is - controleer het pad (en LOKET_DATA_DIR)",
    errno.ENOSPC: "de schijf is vol - maak ruimte vrij en probeer het opnieuw",
    errno.EROFS: "het bestandssysteem is alleen-lezen - kies een schrijfbare map (LOKET_DATA_DIR)",
    errno.EPIPE: "de uitvoer werd afgesloten voordat alles geschreven was",
    errno.ELOOP: "een symbolische link verwijst (via andere) naar zichzelf - controleer de link",
}


def os_problem(exc: OSError) -> str:
    """A Dutch reason with what to do for a failed open, read or write."""
    return OS_REASONS.get(exc.errno, f"bestandsfout ({exc.strerror or type(exc).__name__}) - "
                                     f"controleer het pad en de rechten")
