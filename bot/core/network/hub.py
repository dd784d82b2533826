"""The network function wired to one desk and one store.

:meth:`Network.attach` is called once per running Loket (the Slack and Teams runtimes through
:func:`open_network`, the CLI):
it loads the expert directory, gives the desk the expert responder and the stored
announcements and lessons as extra documents, and returns the services the adapters use.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

from bot.store.repo import Store

from .experts import default_paths
from .extra_docs import ExtraDocuments
from .finder import ExpertFinder
from .items import KnowledgeItems
from .referrals import Referrals
from .responder import ExpertResponder
from .support import SupportRequests
from .vector_cache import VectorCache

log = logging.getLogger(__name__)

CACHE_FILE = "cache/network-vectors.npz"  # expert profiles
KNOWLEDGE_CACHE_FILE = "cache/knowledge-vectors.npz"  # announcements and lessons (pruned to what is stored)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Network:
    """Expert finder, knowledge items, referrals and support requests of one Loket."""

    finder: ExpertFinder
    items: KnowledgeItems
    referrals: Referrals
    support: SupportRequests

    @classmethod
    def attach(cls, settings: Any, desk: Any, store: Store, *, is_core: Callable[[str], bool],
               clock: Callable[[], datetime] = _utcnow) -> "Network":
        """Build the services and hook them into ``desk`` (any object with the Desk's extension
        methods, e.g. the service's desk proxy)."""
        profiles = VectorCache(desk.embedder, settings.data_dir / CACHE_FILE)
        finder = ExpertFinder(default_paths(settings.experts_file), profiles)
        layer = (ExtraDocuments(desk, VectorCache(desk.embedder, settings.data_dir / KNOWLEDGE_CACHE_FILE))
                 if hasattr(desk, "use_index") else None)
        items = KnowledgeItems(store, is_core=is_core, layer=layer, clock=clock)
        network = cls(finder=finder, items=items, referrals=Referrals(store, finder, is_core=is_core, clock=clock),
                      support=SupportRequests(store, clock=clock))
        if hasattr(desk, "add_responder"):
            desk.add_responder(ExpertResponder(finder))
        items.sync()
        return network


def open_network(settings: Any, service: Any) -> Network | None:
    """The network services on ``service``'s desk and store (every adapter uses this); None
    when the desk cannot take them or they fail to start (Loket answers questions without)."""
    desk = getattr(service, "desk", None)
    if desk is None or not hasattr(desk, "embedder"):
        return None
    try:
        return Network.attach(settings, desk, service.store, is_core=service.is_core, clock=service.clock)
    except Exception as e:  # noqa: BLE001 - Loket answers questions without it
        log.error("network function not started: %s", type(e).__name__, exc_info=True)
        return None
