"""Access control for Slack handlers: core-team-only actions, one shared guard.

Only core-team members (members of ``LOKET_CORE_CHANNEL`` plus ``LOKET_CORE_USERS``) may
claim, answer, close or refer escalations, change signals, save verified answers or
announcements and see the summary. A handler for such an action is wrapped::

    from bot.slack.guards import core_only

    @core_only("signal.change")
    def on_change_signal(deps: Deps, click: Click) -> None:
        ...

The wrapped function takes ``(deps, request, ...)`` where ``request`` is anything that
names the user and the channel: an object with ``user_id``/``channel_id`` (``Click``),
an action/view body (``user.id``), a slash-command dict (``user_id``/``channel_id``) or an
event body. Anyone else gets a polite ephemeral refusal in Dutch, the refusal is written
to the audit log (``bot.core.privacy.audit``) and the handler does not run, so nothing changes.

The guard is the front door; services check again (``LoketService`` raises ``NotAllowed``)
so a handler without the guard still cannot change anything it should not. Record the
successful action in the audit log inside the service's transaction
(``bot.core.privacy.audit.append``), or pass ``audit_ok=True`` to let the guard record it after
the handler returned.
"""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from bot.core.privacy import audit

if TYPE_CHECKING:
    from bot.slack.deps import Deps

log = logging.getLogger(__name__)

REFUSAL = (
    "Sorry, dit kan alleen het kernteam. Hoor je bij het kernteam? Vraag dan of je wordt "
    "toegevoegd aan het kanaal van het kernteam."
)

NOT_YOURS = (
    "Deze knop is voor wie de vraag stelde (of het kernteam). Heb je zelf een vraag? Stel hem aan Loket."
)
NOT_YOUR_ESCALATION = (
    "Die vraag kan ik niet voor je openen: alleen het kernteam en wie de vraag stelde zien hem. "
    "Gebruik /signaal zonder nummer voor een nieuw signaal."
)

NOT_RELAYED = (
    "Je bericht is niet doorgestuurd naar de vrager: alleen het kernteam beantwoordt vragen. "
    "Begin je bericht met // voor een interne notitie."
)

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Actor:
    """Who asks for an action, and where to answer them privately."""

    user_id: str | None
    channel_id: str | None
    thread_ts: str | None = None

    @classmethod
    def of(cls, request: Any) -> "Actor":
        """Read the actor from a ``Click``-like object or a Slack request body/dict."""
        if not isinstance(request, dict):
            return cls(getattr(request, "user_id", None), getattr(request, "channel_id", None),
                       getattr(request, "thread_ts", None))
        if isinstance(request.get("event"), dict):  # an event callback
            event = request["event"]
            return cls(event.get("user"), event.get("channel"), event.get("thread_ts") or event.get("ts"))
        user = request.get("user")
        if isinstance(user, dict):  # block_actions, view_submission, shortcuts
            channel = (request.get("channel") or {}).get("id") or (request.get("container") or {}).get("channel_id")
            message = request.get("message") or {}
            return cls(user.get("id"), channel, message.get("thread_ts"))
        return cls(request.get("user_id"), request.get("channel_id"), request.get("thread_ts"))


def is_core(deps: "Deps", user_id: str | None) -> bool:
    """True for core-team members (the check every guard uses)."""
    return bool(user_id) and deps.core_team.is_member(user_id)


def may_act_for(deps: "Deps", user_id: str | None, asker_id: str | None) -> bool:
    """The asker of a question (or a core member) may act on it: rate, escalate, ask support."""
    return bool(user_id) and (user_id == asker_id or is_core(deps, user_id))


def refuse(deps: "Deps", actor: Actor, action: str, *, object_id: str | int | None = None) -> None:
    """Tell ``actor`` privately that only the core team may do this, and audit the refusal."""
    log.info("refused %s for %s (not in the core team)", action, actor.user_id)
    _audit(deps, actor, action, audit.RESULT_DENIED, object_id)
    if actor.channel_id and actor.user_id:
        deps.delivery.ephemeral(actor.channel_id, actor.user_id, REFUSAL, thread_ts=actor.thread_ts)


def core_only(action: str, *, audit_ok: bool = False, object_id: Callable[[Any], Any] | None = None,
              also_allowed: Callable[["Deps", Any], bool] | None = None) -> Callable[[F], F]:
    """Decorator: run the handler only for the core team (see module docstring).

    ``object_id(request)`` names the object for the audit log; ``also_allowed(deps,
    request)`` lets someone else through as well (e.g. the asker closing their own question).
    """

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def guarded(deps: "Deps", request: Any, *args: Any, **kwargs: Any) -> Any:
            actor = Actor.of(request)
            oid = _object_id(object_id, request)
            if not is_core(deps, actor.user_id) and not (also_allowed and also_allowed(deps, request)):
                refuse(deps, actor, action, object_id=oid)
                return None
            result = fn(deps, request, *args, **kwargs)
            if audit_ok:
                _audit(deps, actor, action, audit.RESULT_OK, oid)
            return result

        guarded.core_only_action = action  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return wrap


def _object_id(getter: Callable[[Any], Any] | None, request: Any) -> Any:
    if getter is None:
        return None
    try:
        return getter(request)
    except Exception:  # noqa: BLE001 - a malformed request still gets refused
        return None


def _audit(deps: "Deps", actor: Actor, action: str, result: str, object_id: Any) -> None:
    object_type, _, _ = action.partition(".")
    try:
        audit.AuditLog(deps.service.store).record(actor=actor.user_id or "?", action=action, object_type=object_type,
                                                  object_id=object_id, result=result)
    except Exception as e:  # noqa: BLE001 - the refusal itself must still reach the user
        log.warning("audit of %s failed: %s", action, type(e).__name__)
