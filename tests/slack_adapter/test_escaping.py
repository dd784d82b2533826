"""Echoing user text in the core channel must never notify anyone (property tests)."""
from __future__ import annotations

import re

from hypothesis import given, settings, strategies as st

from bot.slack.escaping import (
    WORD_JOINER,
    defuse_broadcasts,
    echo,
    escape_mrkdwn,
    quote,
    slack_to_plain,
    truncate_mrkdwn,
)

# Live markup: a control sequence Slack would render as a mention, link or broadcast.
LIVE = re.compile(r"<[!@#]")
# Bare handles that Slack's automatic parsing may turn into a notification.
PARSEABLE = re.compile(r"(?<!\w)@(channel|here|everyone|kernteam|U[A-Z0-9]+)", re.IGNORECASE)

TOKENS = st.sampled_from(
    [
        "<!channel>", "<!here>", "<!everyone>", "<!here|@here>", "<@U012ABC>", "<@U012ABC|jan>",
        "<!subteam^S123|@kernteam>", "<#C123|algemeen>", "<https://example.org|klik>", "&lt;", "&gt;",
        "&amp;", "@channel", "@here", "@everyone", "@kernteam", "<", ">", "&", "!", "@", "^", "|",
        "\n", " ", "vraag", "é", "\u2060", "info@coa.nl", "&lt;!channel&gt;", ">>>", "`",
    ]
)
SLACK_TEXT = st.one_of(
    st.lists(TOKENS, max_size=30).map("".join),
    st.text(alphabet=st.sampled_from(list("<>!@#&|^;:/ \nabcUHhere")), max_size=60),
    st.text(max_size=80),
)


@given(SLACK_TEXT)
@settings(max_examples=400)
def test_echo_has_no_live_markup(text: str) -> None:
    out = echo(text)
    assert "<" not in out and ">" not in out
    assert not LIVE.search(out)
    assert not PARSEABLE.search(out)


@given(SLACK_TEXT)
@settings(max_examples=400)
def test_escaping_any_text_leaves_no_live_markup(text: str) -> None:
    out = escape_mrkdwn(text)  # for text that is plain already (stored questions)
    assert "<" not in out and ">" not in out
    assert not PARSEABLE.search(out)


@given(SLACK_TEXT)
def test_echo_in_a_quote_has_no_live_markup(text: str) -> None:
    out = quote(echo(text))
    assert not LIVE.search(out)
    assert not PARSEABLE.search(out)
    assert all(line.startswith(">") for line in out.split("\n"))


@given(SLACK_TEXT, st.integers(min_value=1, max_value=120))
def test_truncation_keeps_it_safe(text: str, limit: int) -> None:
    out = truncate_mrkdwn(echo(text), limit)
    assert len(out) <= max(limit, 1)
    assert not LIVE.search(out) and not PARSEABLE.search(out)
    # no half entity at the end
    tail = out[out.rfind("&"):] if "&" in out else ""
    assert not tail or ";" in tail


@given(st.text(max_size=80))
def test_escape_round_trips(plain: str) -> None:
    escaped = escape_mrkdwn(plain)
    back = escaped.replace(WORD_JOINER, "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert back == plain.replace(WORD_JOINER, "")


@given(SLACK_TEXT)
def test_defused_relay_has_no_broadcast(text: str) -> None:
    out = defuse_broadcasts(text)
    assert not re.search(r"<!(channel|here|everyone|subteam)", out, re.IGNORECASE)


def test_examples() -> None:
    assert slack_to_plain("Hoi <!channel> en <@U1|jan>, zie <https://x.nl|dit>") == "Hoi @channel en @jan, zie dit (https://x.nl)"
    assert echo("<!here> a &lt;b&gt; &amp; c") == f"@{WORD_JOINER}here a &lt;b&gt; &amp; c"
    assert echo("mail info@coa.nl") == "mail info@coa.nl"  # e-mail addresses stay copyable
    assert echo("<!subteam^S1|@kernteam>") == f"@{WORD_JOINER}kernteam"
    assert defuse_broadcasts("zie <@U1> en <https://x.nl|dit> <!channel>") == f"zie <@U1> en <https://x.nl|dit> @{WORD_JOINER}channel"
    assert quote("a\n\nb") == "> a\n>\n> b"
