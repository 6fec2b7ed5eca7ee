"""The course's figure style, shared by every module.

Colours are the Okabe-Ito palette, which stays distinguishable for colour-blind readers.
A module's own figures live in a submodule named for it (``course.plots.orientation``);
every plotting function takes an optional ``ax`` and returns it, so figures compose.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt

COLORS = {
    "safe": "#009E73",      # green: the strong answer, controls that act early
    "unsafe": "#D55E00",    # vermillion: harm, the weak answer
    "neutral": "#0072B2",   # blue
    "warn": "#E69F00",      # orange
    "muted": "#999999",
    "accent": "#CC79A7",
    "sky": "#56B4E9",
}


def use_house_style() -> None:
    """Apply the course's matplotlib style (called by :func:`course.notebook.start`)."""
    mpl.rcParams.update({
        "figure.figsize": (7.0, 4.0),
        "figure.dpi": 90,
        "savefig.dpi": 110,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.titlesize": 12,
        "axes.titleweight": "bold",
        "axes.labelsize": 10,
        "legend.frameon": False,
        "axes.prop_cycle": mpl.cycler(color=[COLORS[k] for k in
                                             ("neutral", "unsafe", "safe", "warn", "accent",
                                              "sky", "muted")]),
    })


def get_ax(ax=None, **subplots_kw):
    """``ax`` itself, or the axes of a new figure."""
    return ax if ax is not None else plt.subplots(**subplots_kw)[1]
