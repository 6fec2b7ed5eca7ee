"""Figures for m05-disaggregated-debiasing.

Every function takes an optional ``ax`` and returns it. Groups are drawn in a fixed order
of the house palette, so a group keeps its colour across figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import COLORS, get_ax

GROUP_COLORS = [COLORS[k] for k in ("neutral", "unsafe", "safe", "warn", "accent", "sky",
                                    "muted")]


def _color(i: int) -> str:
    return GROUP_COLORS[i % len(GROUP_COLORS)]


def forest(report: pd.DataFrame, metric: str = "tpr", *, ax=None, title=None,
           reference: float | None = None):
    """Per-group estimate with its interval, one row per group, n written beside it.

    report : DataFrame indexed by group with columns ``metric``, ``metric_low``,
        ``metric_high`` and ``n`` (the disaggregated report of the module).
    reference : optional value drawn as a dashed vertical line (e.g. the overall rate).
    """
    ax = get_ax(ax, figsize=(6.5, 0.6 * len(report) + 1.4))
    rows = list(report.index)
    for i, g in enumerate(rows):
        est, lo, hi = (float(report.loc[g, c]) for c in (metric, f"{metric}_low",
                                                          f"{metric}_high"))
        ax.errorbar(est, i, xerr=[[est - lo], [hi - est]], fmt="o", color=_color(i),
                    capsize=4, lw=2, ms=7)
        ax.annotate(f"n={int(report.loc[g, 'n'])}  [{lo:.2f}, {hi:.2f}]", (hi, i),
                    xytext=(6, 0), textcoords="offset points", va="center", fontsize=8)
    if reference is not None:
        ax.axvline(reference, color=COLORS["muted"], ls="--", lw=1)
    ax.set_yticks(range(len(rows)), [str(r) for r in rows])
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.18)
    ax.set_xlabel(f"{metric.upper()} with 95% interval")
    ax.set_title(title or f"{metric.upper()} per group")
    return ax


def _roc(scores, y):
    order = np.argsort(-scores, kind="stable")
    t = y[order]
    tp = np.concatenate([[0], np.cumsum(t)]) / max(t.sum(), 1)
    fp = np.concatenate([[0], np.cumsum(1 - t)]) / max((1 - t).sum(), 1)
    return fp, tp


def group_roc(scores, y, groups, thresholds=None, *, ax=None, title="ROC per group",
              marker="o", label_points=True):
    """ROC curve of each group, with the operating point of each group's threshold.

    scores, y, groups : arrays of shape (n,) (float, 0/1, labels).
    thresholds : a float (one threshold for all), a dict group -> threshold, or None.
    """
    ax = get_ax(ax, figsize=(5.5, 5))
    scores, y, groups = np.asarray(scores, float), np.asarray(y, int), np.asarray(groups)
    for i, g in enumerate(np.unique(groups)):
        k = groups == g
        fp, tp = _roc(scores[k], y[k])
        ax.plot(fp, tp, color=_color(i), lw=1.6, label=f"group {g}")
        if thresholds is not None:
            t = thresholds[g] if isinstance(thresholds, dict) else thresholds
            pred = scores[k] >= t
            tpr, fpr = pred[y[k] == 1].mean(), pred[y[k] == 0].mean()
            ax.scatter([fpr], [tpr], color=_color(i), s=70, zorder=3, marker=marker,
                       edgecolor="black")
            if label_points:
                ax.annotate(f"t={t:.2f}", (fpr, tpr), xytext=(8, -12),
                            textcoords="offset points", fontsize=8, color=_color(i))
    ax.plot([0, 1], [0, 1], color=COLORS["muted"], lw=0.8, ls=":")
    ax.set(xlabel="false positive rate", ylabel="true positive rate", xlim=(0, 1),
           ylim=(0, 1.01), title=title)
    ax.legend(loc="lower right")
    return ax


def need_by_risk(score, need, groups, *, bins: int = 10, ax=None,
                 title="Need at the same risk score"):
    """Mean need (e.g. chronic conditions) per risk-score decile, one line per group.

    Obermeyer et al. (2019), Figure 1 in miniature: if one group's line sits higher, its
    members are sicker than others given the same score.
    """
    ax = get_ax(ax, figsize=(6, 4))
    score, need, groups = np.asarray(score, float), np.asarray(need, float), np.asarray(groups)
    pct = pd.Series(score).rank(pct=True).to_numpy()
    b = np.minimum((pct * bins).astype(int), bins - 1)
    centres = (np.arange(bins) + 0.5) * 100 / bins
    for i, g in enumerate(np.unique(groups)):
        k = groups == g
        means = [need[k & (b == j)].mean() if np.any(k & (b == j)) else np.nan
                 for j in range(bins)]
        ax.plot(centres, means, "o-", color=_color(i), label=f"group {g}")
    ax.set(xlabel="risk-score percentile", ylabel="mean chronic conditions", title=title)
    ax.legend()
    return ax


def stage_summary(table: pd.DataFrame, *, axes=None,
                  title="Debiasing in stages, against the truth"):
    """Per-stage TPR and FPR of each group (bars, values written on them) and accuracy.

    table : DataFrame indexed by stage with one ``tpr_<group>`` and one ``fpr_<group>``
        column per group and an ``accuracy`` column. Both error rates are drawn: a stage
        that raises one group's TPR usually raises its FPR too, and a figure of TPRs alone
        hides that price. Returns the two axes (TPR, FPR).
    """
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(13, 4.2))
    ax, ax_f = axes
    x = np.arange(len(table))
    for a, kind, label in [(ax, "tpr", "true positive rate"), (ax_f, "fpr", "false positive rate")]:
        cols = [c for c in table.columns if c.startswith(f"{kind}_")]
        w = 0.8 / len(cols)
        for i, c in enumerate(cols):
            xs = x + (i - (len(cols) - 1) / 2) * w
            a.bar(xs, table[c], w, color=_color(i), label=f"{kind.upper()}, group {c[4:]}")
            for xi, v in zip(xs, table[c]):
                a.annotate(f"{v:.2f}" if kind == "tpr" else f"{v:.3f}", (xi, v),
                           xytext=(0, 2), textcoords="offset points", ha="center", fontsize=7)
        a.set_xticks(x, list(table.index), rotation=15, ha="right")
        a.set_ylabel(f"{label} (vs the truth)")
    ax.set(ylim=(0, 1), title=title)
    ax_f.set(ylim=(0, max(0.12, 1.25 * float(table.filter(like="fpr_").to_numpy().max()))),
             title="... and what it cost: false positives per group")
    ax2 = ax.twinx()
    ax2.plot(x, table["accuracy"], "D--", color="black", label="accuracy (right)")
    ax2.set_ylim(0.5, 1)
    ax2.set_ylabel("accuracy")
    ax2.grid(False)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="lower left", fontsize=8)
    ax_f.legend(loc="upper left", fontsize=8)
    return ax, ax_f


def options_map(options: pd.DataFrame, limits: dict, chosen: str | None = None, *, ax=None,
                title="The options against the limits"):
    """One row per option: the TPR gap with its 95% interval, and the limited metrics.

    options : DataFrame indexed by option with ``accuracy``, ``tpr_gap``, ``tpr_gap_low``,
        ``tpr_gap_high``, ``fpr_ref`` and ``load``. limits : dict with ``tpr_gap``,
        ``fpr_ref`` and ``load``. An option that breaks a limit is drawn hollow and the
        limits it breaks are written beside it; the chosen option is written in bold.
    """
    ax = get_ax(ax, figsize=(11, 0.5 * len(options) + 1.6))
    names = list(options.index)
    for i, name in enumerate(names):
        r = options.loc[name]
        broken = [k for k, col in (("gap", "tpr_gap_high"), ("fpr_ref", "fpr_ref"),
                                   ("load", "load"))
                  if float(r[col]) > limits["tpr_gap" if k == "gap" else k] + 1e-12]
        c = COLORS["unsafe"] if broken else COLORS["safe"]
        ax.errorbar(r["tpr_gap"], i, xerr=[[r["tpr_gap"] - r["tpr_gap_low"]],
                                           [r["tpr_gap_high"] - r["tpr_gap"]]],
                    fmt="o", color=c, mfc="white" if broken else c, ms=7, capsize=3, lw=1.5)
        note = (f"accuracy {r['accuracy']:.4f}   FPR of A {r['fpr_ref']:.3f}   "
                f"flags/1000 {r['load']:.0f}" + (f"   breaks: {', '.join(broken)}" if broken
                                                   else ""))
        ax.annotate(note, (1.02, i), xycoords=("axes fraction", "data"), va="center",
                    fontsize=8, color=c, fontweight="bold" if name == chosen else "normal")
    ax.axvline(limits["tpr_gap"], color=COLORS["unsafe"], ls="--", lw=1,
               label=f"gap limit {limits['tpr_gap']:g}")
    ax.axvline(0, color=COLORS["muted"], lw=0.8)
    ax.set_yticks(range(len(names)), [f"{n}  <- shipped" if n == chosen else n for n in names])
    ax.set_ylim(-0.6, len(names) - 0.4)
    ax.invert_yaxis()
    ax.set(xlabel="TPR gap A - B, with its 95% interval", title=title)
    ax.legend(fontsize=8, loc="lower right")
    return ax


def monitor_timeline(result: pd.DataFrame, *, alpha: float, drift_at: int | None = None,
                     ax=None, title="Streaming disparity monitor"):
    """Smallest Holm-adjusted p-value per batch (log scale), alpha line, alarms marked.

    result : DataFrame with columns ``batch``, ``p_min`` and ``alarm``, one row per batch.
    """
    ax = get_ax(ax, figsize=(8, 3.4))
    p = np.clip(result["p_min"].to_numpy(float), 1e-12, 1)
    ax.plot(result["batch"], p, "-", color=COLORS["neutral"], lw=1.4,
            label="smallest Holm-adjusted p")
    a = result["alarm"].to_numpy(bool)
    ax.scatter(result["batch"][a], p[a], color=COLORS["unsafe"], zorder=3, s=30,
               label="alarm: sent for human review")
    ax.axhline(alpha, color=COLORS["unsafe"], ls="--", lw=1, label=f"alpha = {alpha}")
    if drift_at is not None:
        ax.axvline(drift_at, color=COLORS["warn"], lw=2, alpha=0.6, label="drift starts")
    ax.set_yscale("log")
    ax.set(xlabel="batch", ylabel="p-value", title=title)
    ax.legend(fontsize=8, loc="lower left")
    return ax


def impossibility(table: pd.DataFrame, *, ax=None,
                  title="One threshold, calibrated scores, unequal prevalence"):
    """Grouped bars of prevalence, PPV, FPR and FNR per group.

    table : DataFrame indexed by group with columns ``prevalence``, ``ppv``, ``fpr``, ``fnr``.
    """
    ax = get_ax(ax, figsize=(6.5, 3.6))
    metrics = ["prevalence", "ppv", "fpr", "fnr"]
    x = np.arange(len(metrics))
    w = 0.8 / len(table)
    for i, g in enumerate(table.index):
        ax.bar(x + (i - (len(table) - 1) / 2) * w, table.loc[g, metrics], w,
               color=_color(i), label=f"group {g}")
    ax.set_xticks(x, ["prevalence", "PPV", "FPR", "FNR"])
    ax.set(ylim=(0, 1), title=title)
    ax.legend()
    return ax
