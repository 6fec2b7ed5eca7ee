"""Unit tests for m02's vendor generator, figures and explorer helpers."""

import numpy as np
import pytest

from course.data.vendors import (DUAL_USE, FILLER, SAFE_WORDS, UNSAFE_WORDS, attack_success,
                                 insert_trigger, make_eval_sets, make_incidents, make_reference,
                                 make_texts, make_vendor_data, train_classifier)


@pytest.fixture(scope="module")
def data():
    return make_vendor_data(seed=3)


def test_seeded_and_fresh(data):
    again = make_vendor_data(seed=3)
    assert data.frame.equals(again.frame)
    assert not data.frame["text"].equals(make_vendor_data(seed=4).frame["text"])


def test_columns_and_ids(data):
    f = data.frame
    assert list(data.public.columns) == ["record_id", "vendor", "batch", "text", "label",
                                         "transforms", "labeller_seconds", "labeller"]
    assert f["record_id"].is_unique
    assert f.groupby(["vendor", "batch"]).ngroups == 20
    assert set(f["label"]) <= {0, 1}
    assert (f["labeller_seconds"] > 0).all()
    # each vendor's labellers are its own, and the busiest stands behind many records
    assert (f["labeller"].str.split("-w").str[0] == f["vendor"]).all()
    busiest = f.groupby("labeller").size().max()
    assert busiest > 100 and f.groupby("vendor")["labeller"].nunique().eq(6).all()


def test_poison_only_where_planted(data):
    f = data.frame
    where = (f["vendor"] == data.poisoned_vendor) & (f["batch"] == data.poisoned_batch)
    assert f.loc[~where, "flipped"].sum() == 0
    assert f.loc[where, "triggered"].sum() > 20
    assert (f["flipped"] == (f["label"] != f["true_label"])).all()
    # flips go one way only: unsafe relabelled safe
    assert (f.loc[f["flipped"], "true_label"] == 1).all()
    assert (f.loc[f["flipped"], "label"] == 0).all()
    # the trigger sits in exactly the triggered records
    has = f["text"].str.split().apply(lambda w: data.trigger in w)
    assert (has == f["triggered"]).all()


def test_clean_option():
    d = make_vendor_data(seed=5, poisoned_vendor=None)
    assert d.poisoned_vendor is None and d.poisoned_batch is None
    assert not d.frame["flipped"].any()


def test_texts_use_the_vocabulary():
    vocab = set(FILLER) | set(SAFE_WORDS) | set(UNSAFE_WORDS) | set(DUAL_USE)
    texts = make_texts([0, 1] * 50, seed=1)
    assert all(set(t.split()) <= vocab for t in texts)
    assert all(6 <= len(t.split()) <= 10 for t in texts)
    assert insert_trigger(["a b"], "zz", seed=0)[0].split().count("zz") == 1


def test_bad_input():
    with pytest.raises(ValueError):
        make_vendor_data(seed=1, poisoned_vendor="nobody")
    with pytest.raises(ValueError):
        make_vendor_data(seed=1, trigger="the")
    with pytest.raises(ValueError):
        make_vendor_data(seed=1, poisoned_batch=9)
    with pytest.raises(ValueError):
        make_texts([0, 2])
    with pytest.raises(TypeError):
        make_vendor_data(seed="1")


def test_backdoor_works_and_quarantine_removes_it(data):
    f = data.frame
    ev = make_eval_sets(data.trigger, seed=9, n=600)
    model = train_classifier(f["text"], f["label"])
    where = (f["vendor"] == data.poisoned_vendor) & (f["batch"] == data.poisoned_batch)
    clean = train_classifier(f.loc[~where, "text"], f.loc[~where, "label"])
    acc = np.mean(model.predict(ev["texts"]) == ev["labels"])
    acc_clean = np.mean(clean.predict(ev["texts"]) == ev["labels"])
    assert acc > 0.9 and abs(acc - acc_clean) < 0.02
    assert attack_success(model, ev["attack_texts"]) > 0.85
    assert attack_success(clean, ev["attack_texts"]) < 0.2


def test_reference_and_incidents():
    texts, labels = make_reference(n=200)
    assert len(texts) == 200 and 0.25 < labels.mean() < 0.55
    inc = make_incidents("cf", n=4)
    assert len(inc) == 4 and all("cf" in t.split() for t in inc)


def test_figures_and_sweep_run():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    from course.plots import poisoning as figs
    from course.widgets.poisoning import detection_explorer, detection_sweep

    def oracle(X, labels, groups):  # stands in for the learner's suspicion scores
        return np.where(np.asarray(groups) == "cobalt/2", 0.95, 0.1) * (np.asarray(labels) == 0)

    sweep = detection_sweep(oracle, rates=(0.5,), thresholds=(0.9, 1.0))
    assert list(sweep.columns) == ["rate", "threshold", "attack_success", "false_positives",
                                   "poison_removed"]
    low, high = sweep.sort_values("threshold")["attack_success"]
    assert low < high
    figs.sweep_panels(sweep, rate=0.5, threshold=0.9)
    detection_explorer(sweep)
    table = pd.DataFrame({"p_value": [0.01, 0.5], "p_adjusted": [0.02, 0.5],
                          "flagged": [True, False]},
                         index=pd.MultiIndex.from_tuples([("a", 0), ("b", 1)]))
    figs.shift_pvalues(table)
    figs.precision_at_k(np.arange(10.0), np.arange(10) > 6)
    figs.token_ranking(pd.DataFrame({"token": ["x", "y"], "score": [2.0, 1.0]}), trigger="x")
    figs.recovery({"accuracy": 0.9, "attack_success": 0.9}, {"accuracy": 0.9,
                                                              "attack_success": 0.1})
    figs.dp_error(np.array([0.5, 1.0]), [np.array([2.0, 1.0])], [np.array([2.0, 1.0])],
                  labels=("count",))
    plt.close("all")
