"""Fitting the answer-or-escalate decision on labelled questions (``loket calibrate``).

For every question the desk works out what it *would* answer and the evidence for it;
the label is whether that answer is right (holds the expected fact or cites the expected
page; for a question without an answer in the sources, answering is always wrong). The
decision model (:mod:`bot.core.answering.decision`) is fitted on those pairs; its precision curve
comes from out-of-fold predictions, so the chosen operating point is not flattered by
the questions it was fitted on.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .decision import FEATURES, REQUIRED_FEATURES, DecisionModel, cross_val_probabilities, fit
from .evaluation import EvalItem, holds_answer
from .validity import split_hits


@dataclass(frozen=True)
class Sample:
    """One labelled question as the decision sees it."""

    id: str
    group: str  # corpus or fold: cross-validation leaves one group out
    features: dict[str, float]
    probability: float  # under the desk's current decision
    correct: bool  # answering would be right
    answerable: bool = True  # the sources answer it (else escalating is right)


def collect(desk, items: Sequence[EvalItem], *, group: str = "") -> list[Sample]:
    """Run each question through the desk without deciding, and label the answer it would give."""
    out = []
    answer_at = desk.answer_at
    desk.answer_at = -1.0  # answer everything: we want the answer it would give
    try:
        for item in items:
            query = desk.analyse(item.question)
            hits = desk.index.search(query, k=10, mode=desk.mode)
            current = split_hits(hits)[0][:5] or hits[:5]
            if not current:
                out.append(Sample(item.id, group, {}, 0.0, False, item.answerable))
                continue
            assessment = desk.assess(query, current)
            answer = desk.answer_hits(query, current)
            correct = item.answerable and holds_answer(
                item, answer.answer, answer.sources[0].path if answer.sources else None)
            out.append(Sample(item.id, group, assessment.features, assessment.probability, bool(correct),
                              item.answerable))
    finally:
        desk.answer_at = answer_at
    return out


def operating_point(prob: np.ndarray, correct: np.ndarray, threshold: float) -> tuple[float | None, float]:
    """(precision of answered, share answered) when answering at ``prob >= threshold``."""
    answered = prob >= threshold
    share = float(answered.mean()) if len(prob) else 0.0
    precision = float(correct[answered].mean()) if answered.any() else None
    return precision, share


def fit_samples(samples: Sequence[Sample], *, l2: float = 1.0, features: Sequence[str] = FEATURES,
                folds: int = 5, sets: Sequence[str] = (), model_id: str = "", split: str = "") -> DecisionModel:
    """Fit on ``samples``; the precision curve comes from ``folds``-fold cross-validation over the
    pooled questions (every fold mixes the corpora, as the shipped model has seen them all)."""
    rows = [s.features for s in samples]
    correct = np.array([s.correct for s in samples])
    oof = out_of_fold(samples, l2=l2, features=features, folds=folds, by_group=False)
    fitted_on = {
        "sets": list(sets), "split": split, "date": dt.date.today().isoformat(), "model": model_id,
        "groups": sorted(set(s.group for s in samples)),
    }
    model = fit(rows, correct, features=features, l2=l2, oof=oof, fitted_on=fitted_on)
    model.fitted_on["curve_from"] = f"{folds}-fold cross-validation"
    return model


def out_of_fold(samples: Sequence[Sample], *, l2: float = 1.0, features: Sequence[str] = FEATURES,
                folds: int = 5, by_group: bool = False) -> np.ndarray:
    """Out-of-fold probabilities for honest figures: ``folds`` interleaved folds, or with
    ``by_group`` each group (corpus) predicted by a model fitted on the others."""
    groups = [s.group for s in samples]
    if not by_group or len(set(groups)) < 2:
        groups = [str(i % folds) for i in range(len(samples))]
    return cross_val_probabilities([s.features for s in samples], [s.correct for s in samples], groups,
                                   features=features, l2=l2)


def log_loss(prob: np.ndarray, correct: np.ndarray) -> float:
    """Mean negative log-likelihood of the labels (probabilities clipped away from 0 and 1)."""
    p = np.clip(np.asarray(prob, float), 1e-6, 1 - 1e-6)
    y = np.asarray(correct, float)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def select_features(samples: Sequence[Sample], *, l2: float = 10.0, features: Sequence[str] = FEATURES,
                    keep: Sequence[str] = REQUIRED_FEATURES, min_gain: float = 1e-4) -> list[str]:
    """Backward elimination by leave-one-group-out log-loss: drop the feature whose removal
    helps most, while it helps by at least ``min_gain``; ``keep`` are never dropped.

    Features that separate right from wrong on the corpora they were fitted on can mislead
    on another corpus (on one site coverage is even inversely related to being right); each
    removal is judged on the corpora left out, so what stays is what carries across. With
    fewer than two groups there is nothing to judge by, and every feature stays.
    """
    groups = [s.group for s in samples]
    if len(set(groups)) < 2:
        return list(features)
    rows = [s.features for s in samples]
    correct = np.array([s.correct for s in samples], dtype=bool)

    def loss(feats: Sequence[str]) -> float:
        return log_loss(cross_val_probabilities(rows, correct, groups, features=feats, l2=l2), correct)

    kept, best = list(features), loss(features)
    while len(kept) > 1 and any(f not in keep for f in kept):
        trial, dropped = min((loss([f for f in kept if f != x]), x) for x in kept if x not in keep)
        if trial > best - min_gain:
            break
        best = trial
        kept.remove(dropped)
    return kept
