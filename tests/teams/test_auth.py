"""Authentication of incoming activities: the SDK's JWT check against the issuer's JWKS;
missing or forged tokens get 401 (never 500); anonymous mode only when asked for."""
from __future__ import annotations

import socket

from cryptography.hazmat.primitives.asymmetric import rsa

from bot.settings import Settings
from bot.teams.app import create_app

from .conftest import ANSWERABLE, PERSONAL


def test_missing_token_is_refused_with_401(teams):
    assert teams.post(teams.activity(ANSWERABLE), token=None) == 401
    teams.loket.idle()
    assert teams.connector.sent == []


def test_forged_tokens_are_refused_with_401_never_500(teams):
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = [
        teams.token(key=other_key),  # signed by someone else's key
        teams.token(lifetime=-3600),  # expired (beyond the SDK's 5 minutes leeway)
        teams.issuer.token(audience="some-other-app", service_url=teams.connector.service_url),  # not for Loket
        teams.token(kid=""),  # no key id
        "not-a-jwt",
        "a.b.c",
    ]
    for token in forged:
        assert teams.post(teams.activity(ANSWERABLE), token=token) == 401
    assert teams.post(teams.activity(ANSWERABLE), token=teams.token()) == 202
    teams.loket.idle()
    assert len(teams.connector.to(PERSONAL)) == 1  # only the real one was answered


def test_token_without_kid_header_is_401(teams):
    import jwt

    token = jwt.encode({"iss": "https://api.botframework.com", "aud": "x"}, teams.issuer.key, algorithm="RS256")
    assert teams.post(teams.activity(ANSWERABLE), token=token) == 401


def test_server_starts_without_network_and_refuses_when_keys_cannot_be_fetched(teams, monkeypatch):
    # Point the Bot Framework issuer's JWKS at a port nobody listens on: the keys are only
    # fetched when a token comes in, and failing to fetch them is a 401.
    from microsoft_agents.hosting.core.authorization._entra_issuers import BOTFRAMEWORK_JWKS_URIS

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/keys"
    monkeypatch.setitem(BOTFRAMEWORK_JWKS_URIS, "https://api.botframework.com", dead)
    teams.stop()
    teams.start()
    assert teams.post(teams.activity(ANSWERABLE)) == 401


def test_anonymous_mode_answers_without_tokens(teams_anonymous):
    teams_anonymous.say(ANSWERABLE)
    [reply] = teams_anonymous.connector.to(PERSONAL)
    assert reply.actions


def test_anonymous_mode_is_loud(tmp_path, desk, caplog):
    from bot.core.service import LoketService
    from bot.store.repo import Store

    store = Store.open(f"sqlite:///{tmp_path / 'l.db'}")
    settings = Settings(data_dir=tmp_path, teams_anonymous=True)
    with caplog.at_level("WARNING"):
        create_app(settings, service=LoketService(desk=desk, store=store, is_core=lambda u: False), store=store,
                   background=False)
    assert any("ZONDER authenticatie" in r.getMessage() for r in caplog.records)
    store.close()


def test_anonymous_access_is_off_unless_asked_for(teams):
    # With app credentials, LOKET_TEAMS_ANONYMOUS unset: the SDK's anonymous switch stays off.
    assert teams.loket.app["agent_configuration"].ANONYMOUS_ALLOWED is False
