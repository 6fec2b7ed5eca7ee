"""Figures for m01-defense-in-depth: designs compared on both axes, the threshold
trade-off, and adversarial training over rounds.

Every figure shows attack success (ASR: the pipeline answered and the answer was unsafe)
and false refusals (FRR) together: a guardrail reported on one axis only says nothing about
its cost. The input gate's *miss rate* (harmful prompts it let through) is a different
quantity and is named so.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FixedLocator, NullLocator, PercentFormatter

from . import COLORS, get_ax

DESIGN_COLORS = {"no guardrails": COLORS["unsafe"], "output filter only": COLORS["warn"],
                 "defense in depth": COLORS["safe"]}


def _color(name, i):
    return DESIGN_COLORS.get(name, [COLORS["neutral"], COLORS["accent"], COLORS["sky"]][i % 3])


def _row(report, metric, group):
    r = report[(report["metric"] == metric) & (report["group"] == group)]
    if len(r) != 1:
        raise ValueError(f"the report has no single row for {metric} / {group}")
    return r.iloc[0]


def design_comparison(reports: dict, *, axes=None, title=None):
    """Attack success per family (left) and ASR against FRR overall (right).

    reports: dict {design name: DataFrame} with columns ``metric`` ("ASR" or "FRR"),
        ``group`` (attack family, "all", "benign", "lookalike"), ``rate``, ``low``, ``high``.
    Returns the two axes.
    """
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.2),
                                 gridspec_kw={"width_ratios": [1.7, 1]})
    left, right = axes
    names = list(reports)
    first = reports[names[0]]
    groups = [g for g in first.loc[first["metric"] == "ASR", "group"] if g != "all"] + ["all"]
    width = 0.8 / len(names)
    x = np.arange(len(groups))
    for i, name in enumerate(names):
        rows = [_row(reports[name], "ASR", g) for g in groups]
        rate = np.array([r["rate"] for r in rows])
        err = np.clip([[r["rate"] - r["low"] for r in rows],
                       [r["high"] - r["rate"] for r in rows]], 0, None)
        left.bar(x + (i - (len(names) - 1) / 2) * width, rate, width, yerr=err, capsize=2,
                 color=_color(name, i), label=name, error_kw={"lw": 0.8})
    left.set_xticks(x, groups)
    left.axvline(len(groups) - 1.5, color=COLORS["muted"], lw=0.8)
    left.set(ylabel="attack success rate (95% CI)", ylim=(0, 1),
             title="Attack success by family")
    left.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=None))
    left.legend(loc="upper left", fontsize=8)

    for i, name in enumerate(names):
        a, f = _row(reports[name], "ASR", "all"), _row(reports[name], "FRR", "all")
        xerr = np.clip([[f["rate"] - f["low"]], [f["high"] - f["rate"]]], 0, None)
        yerr = np.clip([[a["rate"] - a["low"]], [a["high"] - a["rate"]]], 0, None)
        right.errorbar(f["rate"], a["rate"], xerr=xerr, yerr=yerr, fmt="o", ms=8,
                       color=_color(name, i), capsize=3)
        right.annotate(f"{name}\nASR {a['rate']:.1%}, FRR {f['rate']:.1%}",
                       (f["rate"], a["rate"]), xytext=(8, 6), textcoords="offset points",
                       fontsize=8, color=_color(name, i))
    right.set_yscale("log")
    lows = [_row(reports[n], "ASR", "all")["low"] for n in names]
    right.set_ylim(max(min(lows) / 2, 1e-3), 2.0)
    ticks = [t for t in (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
             if right.get_ylim()[0] <= t]
    right.yaxis.set_major_locator(FixedLocator(ticks))
    right.yaxis.set_minor_locator(NullLocator())
    right.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1 if min(ticks) < 0.01 else 0))
    right.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=None))
    right.set(xlabel="false-refusal rate on benign prompts", ylabel="attack success rate (log)",
              title="Both axes, with 95% CIs")
    right.set_xlim(-0.005, max(0.06, right.get_xlim()[1] * 1.8))
    if title:
        left.figure.suptitle(title, fontweight="bold")
    return axes


def gate_rates(t_in, t_out, input_scores, output_scores, unsafe, harmful):
    """ASR and FRR of the two-gate design at thresholds ``t_in``, ``t_out``.

    A request is answered when its input score is below ``t_in`` and its response's output
    score is below ``t_out``. All arrays have shape (n,). Returns ``(asr, frr)`` as floats.
    """
    answered = (np.asarray(input_scores) < t_in) & (np.asarray(output_scores) < t_out)
    harmful = np.asarray(harmful, bool)
    asr = float((answered & np.asarray(unsafe, bool))[harmful].mean())
    frr = float((~answered)[~harmful].mean())
    return asr, frr


def tradeoff(input_scores, output_scores, unsafe, harmful, *, t_out_values=(0.3, 0.6, 1.01),
             point=None, ax=None, title="Two thresholds, two axes"):
    """ASR against FRR as the input threshold sweeps, one curve per output threshold.

    A grey curve shows the output filter alone (the input threshold off). ``point``, a pair
    ``(t_in, t_out)``, is marked. Returns the axes.
    """
    ax = get_ax(ax)
    grid = np.concatenate([np.linspace(0.01, 0.99, 60), [1.01]])
    out_only = np.array([gate_rates(1.01, t, input_scores, output_scores, unsafe, harmful)
                         for t in grid])
    ax.plot(out_only[:, 1], out_only[:, 0], color=COLORS["muted"], lw=2, ls="--",
            label="output filter only (sweep t_out)")
    cmap = plt.get_cmap("viridis")
    for i, t_out in enumerate(t_out_values):
        pts = np.array([gate_rates(t, t_out, input_scores, output_scores, unsafe, harmful)
                        for t in grid])
        label = "input gate only" if t_out > 1 else f"t_out = {t_out:.2f}"
        ax.plot(pts[:, 1], pts[:, 0], color=cmap(0.15 + 0.7 * i / max(1, len(t_out_values) - 1)),
                lw=1.8, label=f"sweep t_in, {label}")
    if point is not None:
        asr, frr = gate_rates(*point, input_scores, output_scores, unsafe, harmful)
        ax.plot([frr], [asr], "o", ms=10, color=COLORS["unsafe"], zorder=5,
                label=f"t_in={point[0]:.2f}, t_out={point[1]:.2f}: ASR {asr:.1%}, FRR {frr:.1%}")
    ax.set_yscale("symlog", linthresh=0.01, linscale=0.5)
    ax.set(xlabel="false-refusal rate on benign prompts",
           ylabel="attack success rate (linear below 1%)", xlim=(-0.003, 0.15), ylim=(0, 1),
           title=title)
    ax.yaxis.set_major_locator(FixedLocator([0, 0.005, 0.01, 0.03, 0.1, 0.3, 1.0]))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=None))
    ax.legend(fontsize=7.5, loc="upper right")
    return ax


def rounds(history, *, budget=None, ax=None, title="Adversarial training, round by round"):
    """The input gate's miss rate and FRR on the evaluation set after each round.

    history: list of dicts with ``round``, ``miss_rate`` (share of harmful evaluation prompts
    the gate let through: the gate's miss rate, not the pipeline's attack success) and
    ``frr``; an optional ``miss_rate_seen`` (the same gate on templates it trained or was
    red-teamed on) is drawn dashed. Returns the axes.
    """
    ax = get_ax(ax)
    r = [h["round"] for h in history]
    ax.plot(r, [h["miss_rate"] for h in history], "o-", color=COLORS["unsafe"], lw=2,
            label="input gate miss rate, held-out templates")
    if all("miss_rate_seen" in h for h in history):
        ax.plot(r, [h["miss_rate_seen"] for h in history], "o--", color=COLORS["unsafe"],
                lw=1.2, alpha=0.6, mfc="white", label="miss rate, seen templates (memory)")
    ax.plot(r, [h["frr"] for h in history], "s-", color=COLORS["neutral"], lw=2,
            label="false refusals")
    if budget is not None:
        ax.axhline(budget, color=COLORS["neutral"], ls="--", lw=1,
                   label=f"false-refusal budget {budget:.0%}")
    for h in history:
        ax.annotate(f"{h['miss_rate']:.1%}", (h["round"], h["miss_rate"]), xytext=(0, 7),
                    textcoords="offset points", ha="center", fontsize=8,
                    color=COLORS["unsafe"])
    ax.set(xlabel="round (0 = before adversarial training)", ylabel="rate on held-out prompts",
           xticks=r, title=title, ylim=(0, None))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=None))
    ax.legend(fontsize=8)
    return ax
