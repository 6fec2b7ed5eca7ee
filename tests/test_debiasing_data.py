"""Unit tests for course.data.clinical (m05): the planted mechanisms do what the docstring says."""

import numpy as np
import pandas as pd
import pytest

from course.data.clinical import (ATTRIBUTE, FEATURES, NHEFS_FEATURES, load_nhefs, make_cohort,
                                  model_matrix, prediction_stream, proxy_offsets)


def test_cohort_is_seeded_and_shaped():
    a, b = make_cohort(500, seed=3), make_cohort(500, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(make_cohort(500, seed=4))
    assert a.shape == (500, 14)
    assert set(a["group"]) <= {"A", "B"}
    assert set(a["y"]) <= {0, 1} and set(a["y_true"]) <= {0, 1}


def test_planted_mechanisms():
    d = make_cohort(40000, seed=1)
    by = d.groupby("group")
    assert abs((d["group"] == "B").mean() - 0.15) < 0.01                  # representation
    assert abs(by["y_true"].mean()["A"] - by["y_true"].mean()["B"]) < 0.02  # same truth
    assert by["y"].mean()["B"] < 0.7 * by["y_true"].mean()["B"]            # label bias in B
    assert (d["y"] <= d["y_true"]).all()                                   # only under-recording
    assert (d.loc[d["group"] == "A", "y"] == d.loc[d["group"] == "A", "y_true"]).all()
    err = (d["spo2"] - d["spo2_true"]).groupby(d["group"]).mean()
    assert abs(err["A"]) < 0.1 and 0.8 < err["B"] < 1.1                   # measurement shift
    need = d.groupby("group")["chronic_conditions"].mean()
    cost = d.groupby("group")["cost"].mean()
    assert abs(need["A"] - need["B"]) < 0.1 and cost["B"] < 0.6 * cost["A"]  # cost != need
    assert by["region_income"].mean()["B"] < by["region_income"].mean()["A"] - 0.8  # proxy


def test_cohort_parameters_per_group():
    d = make_cohort(30000, seed=2, groups=["x", "y", "z"], shares=(0.5, 0.3, 0.2),
                    prevalence=(0.1, 0.3, 0.5), underdiagnosis=0.0, exact_shares=True)
    counts = d["group"].value_counts()
    assert counts["x"] == 15000 and counts["y"] == 9000 and counts["z"] == 6000
    prev = d.groupby("group")["y_true"].mean()
    assert np.allclose(prev.to_numpy(), [0.1, 0.3, 0.5], atol=0.02)
    assert (d["y"] == d["y_true"]).all()
    with pytest.raises(ValueError):
        make_cohort(10, seed=0, shares=(0.5, 0.6))
    with pytest.raises(ValueError):
        make_cohort(10, seed=0, groups=["a", "b", "c"], shares=(0.5, 0.5))


def test_model_matrix_and_proxies():
    d = make_cohort(100, seed=5)
    X = model_matrix(d)
    assert list(X.columns) == list(FEATURES) + [ATTRIBUTE]
    assert (X[ATTRIBUTE] == (d["group"] == "B")).all()
    assert list(model_matrix(d, attribute=False).columns) == list(FEATURES)
    assert proxy_offsets() == {"region_income": {0: 0.0, 1: -1.0}}


def test_prediction_stream():
    quiet = prediction_stream(30, 2000, seed=7)
    assert len(quiet) == 30 and all(len(b[0]) == 2000 for b in quiet)
    y, p, g = (np.concatenate([b[i] for b in quiet]) for i in range(3))
    for grp in "ABC":
        assert abs(p[(g == grp) & (y == 1)].mean() - 0.8) < 0.03
        assert abs(p[(g == grp) & (y == 0)].mean() - 0.1) < 0.02
    drift = prediction_stream(30, 2000, seed=7, drift_at=15, drift_group="C", drift_tpr=0.5)
    y, p, g = (np.concatenate([b[i] for b in drift[15:]]) for i in range(3))
    assert abs(p[(g == "C") & (y == 1)].mean() - 0.5) < 0.04
    with pytest.raises(ValueError):
        prediction_stream(3, 10, seed=0, drift_at=1, drift_group="nobody", drift_tpr=0.5)


def test_nhefs_loads_offline():
    d = load_nhefs()
    assert len(d) == 1629
    assert d[list(NHEFS_FEATURES) + ["death"]].notna().all().all()
    assert set(d["sex"]) == {"male", "female"} and set(d["race"]) == {"white", "black or other"}
    assert 0.18 < d["death"].mean() < 0.21
    assert 150 < (d["race"] == "black or other").sum() < 260


def test_prediction_stream_recorded_labels():
    true = prediction_stream(20, 1000, seed=11)
    rec = prediction_stream(20, 1000, seed=11, underdiagnosis=(0.0, 0.4, 0.4), labels="recorded")
    # the same patients and decisions; only the labels differ
    for (yt, pt, gt), (yr, pr, gr) in zip(true, rec):
        assert (pt == pr).all() and (gt == gr).all()
        assert (yr <= yt).all()                                  # only under-recording
        assert ((yr != yt) <= ((yt == 1) & (pt == 0))).all()     # only missed, unflagged sick
    y, p, g = (np.concatenate([b[i] for b in true]) for i in range(3))
    r = np.concatenate([b[0] for b in rec])
    a_missed = (g == "A") & (y == 1) & (p == 0)
    assert (r[a_missed] == 1).all()                              # group A is recorded correctly
    b_missed = (g == "B") & (y == 1) & (p == 0)
    assert abs((r[b_missed] == 0).mean() - 0.4) < 0.06
    # recorded TPR of B looks higher than its true TPR
    assert p[(g == "B") & (r == 1)].mean() > p[(g == "B") & (y == 1)].mean() + 0.04
    # the default returns the truth, unchanged from before the option existed
    again = prediction_stream(20, 1000, seed=11, underdiagnosis=0.4)
    assert all((a[0] == b[0]).all() for a, b in zip(true, again))
    with pytest.raises(ValueError):
        prediction_stream(2, 10, seed=0, labels="guessed")
