"""The operating-point rule of scripts/tune_quality.py (the default target precision comes from it)."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from bot.core.answering.calibration import Sample  # noqa: E402
from tune_quality import choose_target, parse_goals  # noqa: E402


class _Model:
    """Threshold = target: the test sets probabilities directly."""

    @staticmethod
    def threshold_for(target: float) -> float:
        return target


def _samples(group: str, right: list[float], wrong: list[float], unanswerable: list[float]) -> tuple[list, list]:
    rows = ([(p, True, True) for p in right] + [(p, False, True) for p in wrong]
            + [(p, False, False) for p in unanswerable])
    samples = [Sample(f"{group}{i}", group, {}, p, c, a) for i, (p, c, a) in enumerate(rows)]
    return samples, [p for p, _, _ in rows]


def test_the_target_is_the_best_for_the_worst_set_against_its_goal(capsys):
    a, pa = _samples("a", right=[0.9, 0.73, 0.73], wrong=[], unanswerable=[0.2, 0.715, 0.735])
    b, pb = _samples("b", right=[0.9, 0.9], wrong=[0.5], unanswerable=[0.1])
    chosen = choose_target(_Model(), np.array(pa + pb), a + b, {"a": (1.0, 1.0)})
    # set a (goal 1.0/1.0) at 0.70: all right ones answered, escalated 1/3; at 0.72: escalated 2/3;
    # at 0.74: escalated 3/3 but only 1/3 answered. Set b (default goal) is fine throughout.
    assert chosen == 0.72
    assert "chosen target precision" in capsys.readouterr().out


def test_goals_are_read_per_set():
    assert parse_goals(["shared=0.90/0.80", "ak=0.8/0.7"]) == {"shared": (0.9, 0.8), "ak": (0.8, 0.7)}
