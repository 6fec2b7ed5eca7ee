"""The m02 explorer: poison rate and detection threshold against attack success and
false positives."""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..data.vendors import (
    attack_success,
    make_eval_sets,
    make_vendor_data,
    train_classifier,
)
from ..plots.poisoning import sweep_panels
from . import explorer


def detection_sweep(score_fn, *, rates=(0.1, 0.25, 0.5, 0.8),
                    thresholds=(0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0), seed: int = 11):
    """Poison at several rates, remove records scoring above each threshold, retrain.

    score_fn: the learner's ``suspicion_scores(X, labels, groups)`` (Exercise 3), called
        with a sparse count matrix, an int array and an array of batch names.
    rates: backdoor rates (share of the poisoned batch's unsafe records given the trigger).
    thresholds: a record is removed when its score is above the threshold (1.0 removes
        nothing). Returns a pandas.DataFrame with one row per (rate, threshold): columns
        ``rate``, ``threshold``, ``attack_success``, ``false_positives`` (share of clean
        records removed), ``poison_removed`` (share of flipped records removed).
    """
    from sklearn.feature_extraction.text import CountVectorizer

    rows = []
    for rate in rates:
        data = make_vendor_data(seed, backdoor_rate=rate, flip_rate=0.0)
        f = data.frame
        ev = make_eval_sets(data.trigger, seed=seed + 1, n=400)
        X = CountVectorizer(token_pattern=r"\S+").fit_transform(f["text"])
        groups = (f["vendor"] + "/" + f["batch"].astype(str)).to_numpy()
        scores = np.asarray(score_fn(X, f["label"].to_numpy(), groups), dtype=float)
        bad = f["flipped"].to_numpy()
        for t in thresholds:
            keep = scores <= t
            model = train_classifier(f["text"][keep], f["label"][keep])
            rows.append({"rate": rate, "threshold": t,
                         "attack_success": attack_success(model, ev["attack_texts"]),
                         "false_positives": float(np.mean(~keep[~bad])),
                         "poison_removed": float(np.mean(~keep[bad])) if bad.any() else 0.0})
    return pd.DataFrame(rows)


@explorer
def detection_explorer(sweep: pd.DataFrame) -> W.VBox:
    """Sliders for poison rate and threshold over a precomputed :func:`detection_sweep`."""
    rates = sorted(sweep["rate"].unique())
    thresholds = sorted(sweep["threshold"].unique())
    rate = W.SelectionSlider(options=[(f"{r:.0%}", r) for r in rates], value=rates[-1],
                             description="poison rate", continuous_update=False,
                             style={"description_width": "initial"})
    thr = W.SelectionSlider(options=thresholds, value=thresholds[len(thresholds) // 2],
                            description="threshold", continuous_update=False,
                            style={"description_width": "initial"})
    out = W.Output()

    def redraw(change=None):
        with out:
            out.clear_output(wait=True)
            _, axes = plt.subplots(1, 2, figsize=(10, 3.6))
            sweep_panels(sweep, rate=rate.value, threshold=thr.value, axes=axes)
            plt.show()
            row = sweep[np.isclose(sweep["rate"], rate.value)
                        & np.isclose(sweep["threshold"], thr.value)].iloc[0]
            print(f"poison rate {rate.value:.0%}, threshold {thr.value}: attack success "
                  f"{row['attack_success']:.0%}, poison removed {row['poison_removed']:.0%}, "
                  f"clean records removed {row['false_positives']:.1%}")

    rate.observe(redraw, names="value")
    thr.observe(redraw, names="value")
    redraw()
    return W.VBox([W.HBox([rate, thr]), out])
