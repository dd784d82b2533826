"""Pure parts of the Teams adapter: settings, activity parsing, conversation keys, cards."""
from __future__ import annotations

from bot.settings import Settings
from bot.teams.activities import clean_text, files_attached, mentions_recipient
from bot.teams.conversations import MAX_TS, conversation_key, short_ts, split_thread, thread_conversation
from bot.core.escalations.relays import is_internal


def test_settings_read_teams_variables_and_the_sdks_own_names():
    s = Settings.from_env({
        "LOKET_TEAMS_CORE_CHANNEL": "19:k@thread.tacv2", "LOKET_TEAMS_TEAM_ID": "19:t@thread.tacv2",
        "LOKET_TEAMS_CORE_USERS": "29:1abc, 0f0e-aad", "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID": "app",
        "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTSECRET": "geheim", "UNRELATED": "x",
        "LOKET_TEAMS_LRT_CHANNEL": "19:lrt@thread.tacv2",
    })
    assert s.teams_core_channel == "19:k@thread.tacv2" and s.teams_team_id == "19:t@thread.tacv2"
    assert s.teams_lrt_channel == "19:lrt@thread.tacv2" and Settings.from_env({}).teams_lrt_channel is None
    assert s.teams_core_users == ("29:1abc", "0f0e-aad")
    assert s.teams_client_id == "app" and s.teams_enabled and not s.teams_anonymous
    assert "UNRELATED" not in s.teams_sdk_env
    assert "geheim" not in repr(s)
    assert Settings.from_env({"LOKET_TEAMS_ANONYMOUS": "1"}).teams_enabled
    assert not Settings.from_env({"LOKET_TEAMS_ANONYMOUS": "true"}).teams_enabled  # only "1" switches it on
    assert not Settings.from_env({}).teams_enabled


def test_mention_is_recognised_by_the_recipient_id_only():
    activity = {"recipient": {"id": "28:bot"}, "text": "<at>Loket</at> <at>Piet</at> hoi",
                "entities": [{"type": "mention", "text": "<at>Piet</at>", "mentioned": {"id": "29:piet"}}]}
    assert not mentions_recipient(activity)
    activity["entities"].append({"type": "mention", "text": "<at>Loket</at>", "mentioned": {"id": "28:bot"}})
    assert mentions_recipient(activity)
    assert clean_text(activity) == "@Piet hoi"  # another person's mention: one @handle the desk leaves out
    activity["text"] = "<at>Loket</at> <at>Jan de Vries</at> hoi"
    activity["entities"][0]["text"] = "<at>Jan de Vries</at>"
    assert clean_text(activity) == "@Jan_de_Vries hoi"


def test_html_copy_and_cards_are_not_files():
    assert not files_attached({"attachments": [{"contentType": "text/html", "content": "<p>x</p>"}]})
    assert not files_attached({"attachments": [{"contentType": "application/vnd.microsoft.card.adaptive"}]})
    assert files_attached({"attachments": [{"contentType": "application/vnd.microsoft.teams.file.download.info"}]})


def test_thread_root_comes_from_the_conversation_id():
    assert split_thread("19:x@thread.tacv2;messageid=1712") == ("19:x@thread.tacv2", "1712")
    assert split_thread("a:1personal") == ("a:1personal", None)
    assert thread_conversation("19:x@thread.tacv2", "1712") == "19:x@thread.tacv2;messageid=1712"


def test_core_ids_fit_the_core_columns():
    key = conversation_key("a:" + "z" * 300)
    assert key.startswith("t:") and len(key) <= 64 and key == conversation_key("a:" + "z" * 300)
    assert short_ts("1712345678901") == "1712345678901"
    assert len(short_ts("f" * 80)) <= MAX_TS


def test_internal_note_rule_is_shared_with_slack():
    from bot.slack.relay_edits import is_internal as slack_rule

    assert slack_rule is is_internal
    assert [is_internal(t) for t in ("// x", "  (intern) y", "(INTERN) z", "Ottawa", "zie //link")] == [
        True, True, True, False, False]
