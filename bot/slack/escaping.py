"""Safe echoing of user text in Slack messages.

Loket repeats what askers typed in the core team's channel. Slack message text arrives
*formatted*: a typed ``@channel`` is ``<!channel>``, a mention is ``<@U123>``, a literal
``<`` is ``&lt;``. Echoing that verbatim would notify the whole core channel, so every
echo goes through two steps:

1. :func:`slack_to_plain` turns Slack's formatting into inert plain text
   (``<!channel>`` -> ``@channel``, ``<@U1|jan>`` -> ``@jan``, ``&lt;`` -> ``<``);
2. :func:`escape_mrkdwn` makes plain text safe for an mrkdwn field: ``&``, ``<`` and
   ``>`` become entities (Slack's escaping rules), so no ``<…>`` control sequence can
   survive, and a word joiner after a mention-like ``@`` keeps Slack's automatic
   parsing (``verbatim: false``) from turning ``@here`` into a live broadcast.

:func:`echo` does both. Block builders also set ``verbatim: true`` on text that carries
user input, as a second fence.
"""
from __future__ import annotations

import re

WORD_JOINER = "\u2060"  # invisible; separates "@" from "channel" so nothing is parsed

_MARKUP = re.compile(r"<([^<>]*)>")
_MENTION_AT = re.compile(r"(?<!\w)@")  # an "@" that starts a handle, not an e-mail's
_BROADCAST = re.compile(r"<!(channel|here|everyone|subteam\^)[^>]*>", re.IGNORECASE)


def _plain_token(inner: str) -> str:
    """The readable, inert form of one ``<…>`` Slack control sequence."""
    target, _, label = inner.partition("|")
    if target.startswith("@"):  # user mention
        return "@" + (label.lstrip("@") or target[1:])
    if target.startswith("#"):  # channel link
        return "#" + (label or target[1:])
    if target.startswith("!"):  # special mention, user group, date
        if target.startswith("!subteam^"):
            return "@" + (label.lstrip("@") or "groep")
        if label:
            return label
        return "@" + target[1:]
    if label:  # link with a label
        return f"{label} ({target})"
    return target


def slack_to_plain(text: str) -> str:
    """Turn Slack-formatted message text into plain text without any live markup."""
    plain = _MARKUP.sub(lambda m: _plain_token(m.group(1)), text or "")
    return plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def escape_mrkdwn(plain: str) -> str:
    """Escape plain text for an mrkdwn field so it is shown, never interpreted.

    ``&``, ``<``, ``>`` are entity-escaped as Slack requires; every handle-like ``@`` gets
    a word joiner so ``@channel``/``@here``/``@kernteam`` are not auto-parsed. An ``@``
    inside a word (e-mail addresses) is left alone, so addresses stay copyable.
    """
    escaped = (plain or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MENTION_AT.sub("@" + WORD_JOINER, escaped)


def echo(slack_text: str) -> str:
    """Slack-formatted user text -> safe mrkdwn (see module docstring)."""
    return escape_mrkdwn(slack_to_plain(slack_text))


def defuse_broadcasts(slack_text: str) -> str:
    """Keep a trusted text's formatting but disarm ``@channel``/``@here``/user groups.

    Used when relaying a core-team reply into the asker's thread: links and user
    mentions stay, but nobody's reply should ping a whole channel.
    """
    return _BROADCAST.sub(lambda m: escape_mrkdwn(_plain_token(m.group(0)[1:-1])), slack_text or "")


def truncate_mrkdwn(escaped: str, limit: int, ellipsis: str = "…") -> str:
    """Cut escaped mrkdwn to at most ``limit`` characters without splitting an entity."""
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: max(0, limit - len(ellipsis))]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]  # do not leave half an "&amp;" behind
    if cut.endswith("@"):
        cut = cut[:-1]  # nor an "@" whose word joiner was cut off
    return cut + ellipsis


def quote(mrkdwn: str) -> str:
    """Render (already escaped) mrkdwn as a block quote, line by line."""
    lines = (mrkdwn or "").strip("\n").split("\n")
    return "\n".join("> " + line if line.strip() else ">" for line in lines)
