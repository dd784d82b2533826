"""Slack's published Block Kit and view limits, checked the way Slack checks them.

The fake Web API (``tests/fake_slack.py``) runs every message and view through
:func:`message_problems` / :func:`view_problems`; a non-empty list becomes Slack's answer:
``invalid_blocks`` for ``chat.postMessage`` / ``chat.update`` / ``chat.postEphemeral``,
``invalid_arguments`` for ``views.open`` / ``views.update`` / ``views.publish``, each
with the problems in ``response_metadata.messages`` as Slack sends them.

Limits (docs.slack.dev, Block Kit reference: blocks, block elements, composition
objects, view objects; chat.postMessage):
messages carry at most 50 blocks, views 100; section text 3000, section fields 10 of at
most 2000; header text 150; context 10 elements; actions 25 elements; button text 75,
value 2000, url 3000; action_id and block_id 255; plain_text_input max_length/min_length
within 1..3000 (0..3000 for min), placeholder 150; input label 2000, hint 2000; select
options 100, option text 75, option value 150; modal title, submit and close 24,
private_metadata 3000, callback_id 255; message text 40,000 (``msg_too_long``).
"""
from __future__ import annotations

from typing import Any

MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
SECTION_TEXT_MAX = 3000
SECTION_FIELDS_MAX = 10
FIELD_TEXT_MAX = 2000
HEADER_TEXT_MAX = 150
CONTEXT_ELEMENTS_MAX = 10
ACTIONS_ELEMENTS_MAX = 25
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
URL_MAX = 3000
ID_MAX = 255
INPUT_LENGTH_MAX = 3000
PLACEHOLDER_MAX = 150
LABEL_MAX = 2000
OPTIONS_MAX = 100
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
MODAL_TITLE_MAX = 24
PRIVATE_METADATA_MAX = 3000
MESSAGE_TEXT_MAX = 40_000


def _text_of(obj: Any) -> str:
    return str(obj.get("text") or "") if isinstance(obj, dict) else ""


def _check_len(problems: list[str], where: str, value: Any, limit: int, *, minimum: int = 0) -> None:
    n = len(str(value or ""))
    if n > limit:
        problems.append(f"[ERROR] must be less than {limit + 1} characters [json-pointer:{where}]")
    elif n < minimum:
        problems.append(f"[ERROR] must be more than {minimum - 1} characters [json-pointer:{where}]")


def _element(problems: list[str], where: str, el: dict[str, Any]) -> None:
    kind = el.get("type")
    if "action_id" in el:
        _check_len(problems, f"{where}/action_id", el["action_id"], ID_MAX)
    if kind == "button":
        _check_len(problems, f"{where}/text/text", _text_of(el.get("text")), BUTTON_TEXT_MAX, minimum=1)
        if "value" in el:
            _check_len(problems, f"{where}/value", el["value"], BUTTON_VALUE_MAX)
        if "url" in el:
            _check_len(problems, f"{where}/url", el["url"], URL_MAX)
    elif kind == "plain_text_input":
        for key, low in (("max_length", 1), ("min_length", 0)):
            if key in el and not (low <= int(el[key]) <= INPUT_LENGTH_MAX):
                problems.append(f"[ERROR] {key} must be between {low} and {INPUT_LENGTH_MAX} [json-pointer:{where}/{key}]")
        if "initial_value" in el and "max_length" in el and len(str(el["initial_value"])) > int(el["max_length"]):
            problems.append(f"[ERROR] initial_value longer than max_length [json-pointer:{where}/initial_value]")
    elif kind in ("static_select", "multi_static_select", "radio_buttons", "checkboxes", "overflow"):
        options = el.get("options") or []
        if len(options) > OPTIONS_MAX:
            problems.append(f"[ERROR] must provide at most {OPTIONS_MAX} items [json-pointer:{where}/options]")
        for i, opt in enumerate(options):
            _check_len(problems, f"{where}/options/{i}/text/text", _text_of(opt.get("text")), OPTION_TEXT_MAX, minimum=1)
            _check_len(problems, f"{where}/options/{i}/value", opt.get("value"), OPTION_VALUE_MAX)
    if isinstance(el.get("placeholder"), dict):
        _check_len(problems, f"{where}/placeholder/text", _text_of(el["placeholder"]), PLACEHOLDER_MAX)


def _block(problems: list[str], where: str, block: dict[str, Any]) -> None:
    kind = block.get("type")
    if "block_id" in block:
        _check_len(problems, f"{where}/block_id", block["block_id"], ID_MAX)
    if kind == "section":
        if "text" not in block and not block.get("fields"):
            problems.append(f"[ERROR] section needs text or fields [json-pointer:{where}]")
        if "text" in block:
            _check_len(problems, f"{where}/text/text", _text_of(block["text"]), SECTION_TEXT_MAX, minimum=1)
        fields = block.get("fields") or []
        if len(fields) > SECTION_FIELDS_MAX:
            problems.append(f"[ERROR] must provide at most {SECTION_FIELDS_MAX} items [json-pointer:{where}/fields]")
        for i, f in enumerate(fields):
            _check_len(problems, f"{where}/fields/{i}/text", _text_of(f), FIELD_TEXT_MAX, minimum=1)
        if isinstance(block.get("accessory"), dict):
            _element(problems, f"{where}/accessory", block["accessory"])
    elif kind == "header":
        _check_len(problems, f"{where}/text/text", _text_of(block.get("text")), HEADER_TEXT_MAX, minimum=1)
    elif kind == "context":
        elements = block.get("elements") or []
        if not elements or len(elements) > CONTEXT_ELEMENTS_MAX:
            problems.append(f"[ERROR] must provide 1 to {CONTEXT_ELEMENTS_MAX} items [json-pointer:{where}/elements]")
        for i, el in enumerate(elements):
            if el.get("type") in ("mrkdwn", "plain_text"):
                _check_len(problems, f"{where}/elements/{i}/text", _text_of(el), SECTION_TEXT_MAX, minimum=1)
    elif kind == "actions":
        elements = block.get("elements") or []
        if not elements or len(elements) > ACTIONS_ELEMENTS_MAX:
            problems.append(f"[ERROR] must provide 1 to {ACTIONS_ELEMENTS_MAX} items [json-pointer:{where}/elements]")
        for i, el in enumerate(elements):
            _element(problems, f"{where}/elements/{i}", el)
    elif kind == "input":
        _check_len(problems, f"{where}/label/text", _text_of(block.get("label")), LABEL_MAX, minimum=1)
        if isinstance(block.get("hint"), dict):
            _check_len(problems, f"{where}/hint/text", _text_of(block["hint"]), LABEL_MAX)
        if isinstance(block.get("element"), dict):
            _element(problems, f"{where}/element", block["element"])


def blocks_problems(blocks: Any, *, limit: int) -> list[str]:
    """Problems of a blocks array (empty: Slack accepts it)."""
    if blocks in (None, "", []):
        return []
    if not isinstance(blocks, list):
        return ["[ERROR] blocks must be an array [json-pointer:/blocks]"]
    problems: list[str] = []
    if len(blocks) > limit:
        problems.append(f"[ERROR] no more than {limit} items allowed [json-pointer:/blocks]")
    for i, block in enumerate(blocks):
        _block(problems, f"/blocks/{i}", block if isinstance(block, dict) else {})
    return problems


def message_problems(params: dict[str, Any]) -> tuple[str, list[str]] | None:
    """``(error, messages)`` for a message Slack would refuse, else None."""
    if len(str(params.get("text") or "")) > MESSAGE_TEXT_MAX:
        return "msg_too_long", []
    problems = blocks_problems(params.get("blocks"), limit=MESSAGE_BLOCKS_MAX)
    if problems:
        return "invalid_blocks", problems
    if not params.get("text") and not params.get("blocks"):
        return "no_text", []
    return None


def view_problems(view: Any) -> list[str]:
    """Problems of a modal or Home tab view (empty: Slack accepts it)."""
    if not isinstance(view, dict):
        return ["[ERROR] view must be an object [json-pointer:/view]"]
    problems = blocks_problems(view.get("blocks") or [], limit=VIEW_BLOCKS_MAX)
    if view.get("type") == "modal":
        _check_len(problems, "/view/title/text", _text_of(view.get("title")), MODAL_TITLE_MAX, minimum=1)
        for key in ("submit", "close"):
            if isinstance(view.get(key), dict):
                _check_len(problems, f"/view/{key}/text", _text_of(view[key]), MODAL_TITLE_MAX, minimum=1)
        has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in view.get("blocks") or [])
        if has_input and not view.get("submit"):
            problems.append("[ERROR] submit is required when an input block is present [json-pointer:/view/submit]")
    if "private_metadata" in view:
        _check_len(problems, "/view/private_metadata", view["private_metadata"], PRIVATE_METADATA_MAX)
    if "callback_id" in view:
        _check_len(problems, "/view/callback_id", view["callback_id"], ID_MAX)
    return problems
