"""The example questions Loket's own help texts suggest are answered from the shipped knowledge base.

A new user tries the examples first; an example that is escalated to the core team breaks
the first impression. This is a regression guard on the knowledge base and the decision
(the examples were chosen to be answerable), not evidence of answer quality.
"""
from __future__ import annotations

import re

import pytest

from bot.cli.chat_cmd import MAIL_HINT
from bot.core.answering import smalltalk
from bot.core.answering.answer import KIND_ANSWER

from conftest import REPO

EXAMPLE = re.compile(r"'([^']+\?)'")


@pytest.fixture(scope="module")
def knowledge_desk(tmp_path_factory, embedder):
    from bot.core.answering.desk import Desk

    return Desk.build(sources=[REPO / "knowledge"], index_dir=tmp_path_factory.mktemp("knowledge") / "index",
                      embedder=embedder)


def _examples() -> list[str]:
    texts = (smalltalk.HELP_REPLY, smalltalk.EMPTY_REPLY, smalltalk.UNCLEAR_REPLY, MAIL_HINT)
    return sorted({q for text in texts for q in EXAMPLE.findall(text)})


def test_the_help_texts_give_examples():
    assert len(_examples()) >= 3


@pytest.mark.parametrize("question", _examples())
def test_each_example_is_answered_with_a_source(knowledge_desk, question):
    answer = knowledge_desk.ask(question)
    assert answer.answered and answer.kind == KIND_ANSWER, (question, answer.confidence)
    assert answer.sources and answer.sources[0].path.endswith(".md")
