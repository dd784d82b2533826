"""No message text, token or signing secret in the logs at INFO or above (ids and lengths
only), and a redaction filter as a second line of defence."""
from __future__ import annotations

import logging

from bot.logsafe import MASK, RedactingFilter, install, redact
from bot.slack import action_ids

from slack_adapter.conftest import (
    ANSWERABLE, ASKER, CHANNEL, CORE, CORE_MEMBER, DM, SIGNING_SECRET, UNANSWERABLE, Harness, eventually,
)

CORE_ANSWER = "Het antwoord is Ottawa, vraag het Jansen op 06-12345678."
FOLLOW_UP = "Bedoeld wordt de hoofdstad, niet de grootste stad."
DM_QUESTION = "Wie kan mij helpen met een vraag over huisvesting?"
SECRET_TEXTS = (ANSWERABLE, UNANSWERABLE, CORE_ANSWER, FOLLOW_UP, DM_QUESTION, "hoofdstad", "Ottawa", "06-12345678",
                "flexibilisering.asielketen", "xoxb-test-token", SIGNING_SECRET)


def test_the_main_flows_log_no_text_and_no_secrets(loket: Harness, caplog) -> None:
    caplog.set_level(logging.INFO)
    ts = loket.mention(ANSWERABLE)
    loket.answer_in(CHANNEL, ts)
    loket.message(DM_QUESTION, user=ASKER, channel=DM, channel_type="im")
    loket.answer_in(DM, None)
    loket.command(ANSWERABLE)
    ts = loket.mention(UNANSWERABLE)
    post = loket.core_post()
    eventually(lambda: loket.service.escalation(1).posted)
    loket.message(FOLLOW_UP, user=ASKER, channel=CHANNEL, thread_ts=ts)
    loket.click(action_ids.CLAIM, "1", user=CORE_MEMBER, channel=CORE, message_ts=post.ts)
    loket.message(CORE_ANSWER, user=CORE_MEMBER, channel=CORE, thread_ts=post.ts)
    confirm = loket.fake.wait_for("chat.postMessage", lambda c: action_ids.SAVE_VERIFIED in c.action_ids(),
                                  channel=CORE, thread_ts=post.ts)[0]
    loket.click(action_ids.SAVE_VERIFIED, "1", user=CORE_MEMBER, channel=CORE, message_ts=confirm.ts, thread_ts=post.ts)
    loket.fake.wait_for("chat.update", channel=CORE, ts=confirm.ts)
    loket.fake.fail_next("chat.postMessage", status=500, channel=CHANNEL)  # an error path logs too
    ts = loket.mention("Wat is de hoofdstad van Canada precies?")
    loket.answer_in(CHANNEL, ts, timeout=15)
    loket.fake.settle(quiet=1.0)

    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records if r.levelno >= logging.INFO)
    assert "question 1" in logged and "escalation #1" in logged  # ids and lengths are logged ...
    for text in SECRET_TEXTS:
        assert text not in logged, text  # ... text and secrets are not


def test_the_filter_masks_tokens_and_configured_secrets():
    assert redact("auth with xoxb-1234-5678-abcdefgh failed") == f"auth with {MASK} failed"
    assert redact("app token xapp-1-A0B1-99-ffee") == f"app token {MASK}"
    assert redact(f"secret {SIGNING_SECRET}!", [SIGNING_SECRET]) == f"secret {MASK}!"
    assert redact("xoxo, kusjes") == "xoxo, kusjes"  # not a token


def test_the_filter_rewrites_messages_arguments_and_tracebacks(caplog):
    logger = logging.getLogger("loket.test.redact")
    handler = logging.Handler()
    seen: list[logging.LogRecord] = []
    handler.emit = seen.append  # type: ignore[method-assign]
    logger.addHandler(handler)
    logger.propagate = False
    install(["geheim-wachtwoord"], logger=logger)
    try:
        logger.warning("token %s and %s", "xoxp-9999-8888-77777", "geheim-wachtwoord")
        try:
            raise RuntimeError("boom with xoxb-1111-2222-secret")
        except RuntimeError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    assert seen[0].getMessage() == f"token {MASK} and {MASK}"
    assert "xoxb-1111" not in seen[1].exc_text and MASK in seen[1].exc_text
    assert any(isinstance(f, RedactingFilter) for f in handler.filters)
