"""Figures for m06-stakeholder-tradeoffs: icon arrays and the options table."""

from __future__ import annotations

import numpy as np

from . import COLORS, get_ax


def icon_array(rate: float, low: float, high: float, *, per: int = 100, ax=None,
               title: str | None = None):
    """``per`` people as a grid of dots: the rate filled, the interval's range ringed.

    The filled dots are round(rate * per); the dots between round(low * per) and
    round(high * per) are drawn as open rings, so the uncertainty is visible as people.
    """
    ax = get_ax(ax, figsize=(4.2, 4.2))
    side = int(np.ceil(np.sqrt(per)))
    k, lo, hi = (int(round(v * per)) for v in (rate, low, high))
    xs, ys = np.arange(per) % side, side - 1 - np.arange(per) // side
    idx = np.arange(per)
    ax.scatter(xs[idx >= hi], ys[idx >= hi], s=90, color=COLORS["muted"], alpha=0.35)
    ax.scatter(xs[idx < lo], ys[idx < lo], s=90, color=COLORS["unsafe"])
    band = (idx >= lo) & (idx < hi)
    ax.scatter(xs[band & (idx < k)], ys[band & (idx < k)], s=90, color=COLORS["unsafe"],
               alpha=0.75)
    ax.scatter(xs[band & (idx >= k)], ys[band & (idx >= k)], s=90, facecolors="none",
               edgecolors=COLORS["unsafe"], linewidths=1.5)
    ax.set_xlim(-0.8, side - 0.2)
    ax.set_ylim(-0.8, side - 0.2)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title or f"{k} in {per} (between {lo} and {hi} in {per})")
    return ax


def options_chart(options, *, chosen: str | None = None, limit: float | None = None,
                  ax=None, title: str = "Options: accuracy against the TPR gap, 95% intervals"):
    """Each option at (gap, accuracy) with both intervals as error bars.

    options: a DataFrame indexed by option with ``gap``, ``gap_low``, ``gap_high``,
    ``accuracy``, ``accuracy_low``, ``accuracy_high``. ``limit`` draws the agreed gap limit.
    """
    ax = get_ax(ax, figsize=(7.5, 4.6))
    for i, (name, r) in enumerate(options.iterrows()):
        color = COLORS["safe"] if name == chosen else COLORS["neutral"]
        ax.errorbar(r["gap"], r["accuracy"],
                    xerr=[[r["gap"] - r["gap_low"]], [r["gap_high"] - r["gap"]]],
                    yerr=[[r["accuracy"] - r["accuracy_low"]], [r["accuracy_high"] - r["accuracy"]]],
                    fmt="o", color=color, capsize=3, lw=1.4)
        ax.annotate(str(name), (r["gap"], r["accuracy"]), textcoords="offset points",
                    xytext=(6, 6 if i % 2 == 0 else -13), fontsize=8)  # neighbours apart
    if limit is not None:
        ax.axvline(limit, color=COLORS["unsafe"], ls="--", lw=1)
        ax.text(limit, ax.get_ylim()[1], " agreed limit", color=COLORS["unsafe"],
                va="top", fontsize=8)
    ax.axvline(0, color=COLORS["muted"], lw=0.8)
    ax.set_xlabel("TPR gap, group A minus group B (lower is fairer)")
    ax.set_ylabel("accuracy against the truth")
    ax.set_title(title)
    return ax
