"""REGRESSION GUARD, not evidence: the development questions over the shared corpus.

These questions (``../shared/eval/dev.jsonl``) were used for years of tuning, and their
FIT part is among the questions the ranking weights and the decision were fitted on
(scripts/tune_quality.py). Passing says nothing changed for the worse here; how Loket
does on questions and corpora nobody tuned for is measured on the FROZEN parts and the
other corpora (README, "How answering works"). Thresholds sit below the figures
measured on 2026-11-30 over all 33 (answered with fact 0.92, escalated 1.00, precision
1.00, hit@3 1.00), so that small changes of the decision do not fail the build.
"""
from __future__ import annotations

import pytest

from bot.core.answering.evaluation import evaluate, read_items


@pytest.fixture(scope="module")
def dev_items():
    from conftest import DEV_EVAL

    if not DEV_EVAL.is_file():
        pytest.skip("dev eval file not found")
    return read_items(DEV_EVAL)


def test_dev_questions_do_not_regress(desk, dev_items):
    summary = evaluate(desk.ask, dev_items).summary()
    assert summary["answered_correct"] >= 0.80, summary
    assert summary["escalated_unanswerable"] >= 0.80, summary
    assert summary["precision_answered"] >= 0.85, summary
    assert summary["hit_at_3"] >= 0.90, summary


def test_hybrid_ranks_at_least_as_well_as_either_part(desk, dev_items):
    results = {}
    for mode in ("hybrid", "dense", "bm25"):
        desk.mode = mode
        results[mode] = evaluate(desk.ask, dev_items).summary()["hit_at_1"]
    desk.mode = "hybrid"
    assert results["hybrid"] >= max(results["dense"], results["bm25"]), results
