"""Quality gate: the development questions over the shared corpus meet the issue's targets.

This guards against regressions in retrieval, extraction and the escalation decision;
the code is never tuned to single questions of this set (see tests/bench for held-out
sets and the other corpora).
"""
from __future__ import annotations

import pytest

from bot.core.evaluation import evaluate, read_items


@pytest.fixture(scope="module")
def dev_items():
    from conftest import DEV_EVAL

    if not DEV_EVAL.is_file():
        pytest.skip("dev eval file not found")
    return read_items(DEV_EVAL)


def test_dev_questions_meet_the_targets(desk, dev_items):
    summary = evaluate(desk.ask, dev_items).summary()
    assert summary["answered_correct"] >= 0.90, summary
    assert summary["escalated_unanswerable"] >= 0.80, summary
    assert summary["hit_at_3"] >= 0.90, summary


def test_hybrid_ranks_at_least_as_well_as_either_part(desk, dev_items):
    results = {}
    for mode in ("hybrid", "dense", "bm25"):
        desk.mode = mode
        results[mode] = evaluate(desk.ask, dev_items).summary()["hit_at_1"]
    desk.mode = "hybrid"
    assert results["hybrid"] >= max(results["dense"], results["bm25"]), results
