"""Forms that open at once: a loading modal in the acknowledgement, the real form after.

Slack's ``trigger_id`` is valid for three seconds. A form that is opened only after the
database and Slack calls (is this a core member? which plan? which escalation?) ran in a
worker thread misses that window under load, and the person sees nothing. So the ack
function of every command or button that leads to a form calls :meth:`Forms.loading`
(one ``views.open``, nothing else), and the lazy work later puts the real form in its
place with ``views.update`` (:meth:`Forms.show`). When the work ends without a form (a
refusal, an unknown escalation) :meth:`Forms.settle` turns the loading modal into a short
note, so no modal keeps saying "Even laden…".
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

from slack_sdk import WebClient

from bot.slack.block_kit import plain
from bot.slack.client import error_code

log = logging.getLogger(__name__)

KEEP_SECONDS = 30 * 60.0  # forget a loading view after this long (the modal is long gone)
LOADING_TEXT = ":hourglass_flowing_sand: Even laden…"
SETTLED_TEXT = "Er is hier geen formulier te tonen. Loket heeft je een bericht gestuurd in Slack."


def _notice_view(title: str, text: str) -> dict[str, Any]:
    return {"type": "modal", "title": plain(title, 24), "close": plain("Sluiten", 24),
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text[:3000], "verbatim": True}}]}


class Forms:
    """Loading modals by trigger id, replaced by the real form (or a note) later."""

    def __init__(self, client: WebClient, clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.clock = clock
        self._views: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def loading(self, trigger_id: str | None, title: str = "Loket") -> None:
        """Open the loading modal on ``trigger_id`` now (call it in the ack function)."""
        if not trigger_id:
            return
        try:
            resp = self.client.views_open(trigger_id=trigger_id, view=_notice_view(title, LOADING_TEXT))
        except Exception as e:  # noqa: BLE001 - the lazy work opens the form itself then
            log.info("loading view not opened: %s", error_code(e))
            return
        view_id = (resp.get("view") or {}).get("id")
        if view_id:
            with self._lock:
                self._forget_old()
                self._views[trigger_id] = (view_id, self.clock())

    def show(self, trigger_id: str | None, view: dict[str, Any]) -> bool:
        """Put ``view`` in the loading modal of ``trigger_id``, or open it; False (logged) when Slack refused."""
        if not trigger_id:
            return False
        view_id = self._take(trigger_id)
        try:
            if view_id:
                self.client.views_update(view_id=view_id, view=view)
            else:
                self.client.views_open(trigger_id=trigger_id, view=view)
            return True
        except Exception as e:  # noqa: BLE001
            log.warning("views.%s failed: %s", "update" if view_id else "open", error_code(e))
            return False

    def settle(self, trigger_id: str | None, text: str = SETTLED_TEXT) -> None:
        """The work ended: a loading modal that got no form says so instead of loading forever."""
        view_id = self._take(trigger_id) if trigger_id else None
        if not view_id:
            return
        try:
            self.client.views_update(view_id=view_id, view=_notice_view("Loket", text))
        except Exception as e:  # noqa: BLE001
            log.info("loading view not settled: %s", error_code(e))

    def after(self, work: Callable[[dict], None]) -> Callable[[dict], None]:
        """A lazy listener that runs ``work(body)`` and then settles the body's loading modal."""
        def run(body: dict) -> None:
            try:
                work(body)
            finally:
                self.settle(body.get("trigger_id"))

        run.__name__ = getattr(work, "__name__", "form_work")  # Bolt tells lazy functions apart by name
        return run

    def _take(self, trigger_id: str) -> str | None:
        with self._lock:
            entry = self._views.pop(trigger_id, None)
        return entry[0] if entry else None

    def _forget_old(self) -> None:
        cutoff = self.clock() - KEEP_SECONDS
        for key in [k for k, (_, at) in self._views.items() if at < cutoff]:
            del self._views[key]
