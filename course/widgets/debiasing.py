"""The m05 explorer: one threshold slider per group, live per-group TPR and FPR."""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np

from ..plots.debiasing import group_roc
from . import explorer


@explorer
def threshold_explorer(scores, y, groups, thresholds=None) -> W.VBox:
    """Move each group's decision threshold and watch its TPR and FPR.

    scores, y, groups : arrays of shape (n,) (float scores in [0, 1], 0/1 truth, labels).
    thresholds : dict group -> starting threshold (default 0.5 for every group).
    """
    scores, y, groups = np.asarray(scores, float), np.asarray(y, int), np.asarray(groups)
    names = list(np.unique(groups))
    start = {g: 0.5 for g in names} | dict(thresholds or {})
    sliders = {g: W.FloatSlider(value=round(float(start[g]), 2), min=0.01, max=0.99, step=0.01,
                                description=f"group {g}", continuous_update=False)
               for g in names}
    out = W.Output()

    def redraw(change=None):
        t = {g: s.value for g, s in sliders.items()}
        pred = scores >= np.array([t[g] for g in groups])
        with out:
            out.clear_output(wait=True)
            fig, ax = plt.subplots(figsize=(5, 4.5))
            group_roc(scores, y, groups, t, ax=ax, title="Your thresholds on the ROC curves")
            plt.show()
            for g in names:
                k = groups == g
                print(f"group {g}: threshold {t[g]:.2f}  TPR {pred[k & (y == 1)].mean():.3f}  "
                      f"FPR {pred[k & (y == 0)].mean():.3f}  (n={k.sum()})")
            tprs = [pred[(groups == g) & (y == 1)].mean() for g in names]
            print(f"TPR gap (max - min): {max(tprs) - min(tprs):.3f}   "
                  f"accuracy: {(pred == y).mean():.3f}")

    for s in sliders.values():
        s.observe(redraw, names="value")
    redraw()
    return W.VBox([W.HBox(list(sliders.values())), out])
