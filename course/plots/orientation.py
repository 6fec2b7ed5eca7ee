"""Figures for m00-orientation: the risk matrix and the design map."""

from __future__ import annotations

import numpy as np

from ..data.orientation import CATASTROPHIC, blocks_launch
from . import COLORS, get_ax


def risk_matrix(register, *, bar: int | None = None, ax=None, title="Risk matrix"):
    """Plot risks on a likelihood-by-severity grid.

    register: list of dicts with ``hazard``, ``likelihood`` and ``severity`` (1-5).
    bar: risks whose likelihood x severity reaches ``bar``, and every risk of severity 5
        whatever its likelihood, are drawn as launch blockers
        (:func:`course.data.orientation.blocks_launch`).
    """
    ax = get_ax(ax)
    grid = np.outer(np.arange(1, 6), np.arange(1, 6))  # [severity, likelihood]
    ax.imshow(grid, origin="lower", extent=(0.5, 5.5, 0.5, 5.5), cmap="YlOrRd", alpha=0.35,
              vmin=0, vmax=30)
    cells: dict[tuple[int, int], list[str]] = {}
    for r in register:
        names = cells.setdefault((int(r["likelihood"]), int(r["severity"])), [])
        if str(r["hazard"]) not in names:
            names.append(str(r["hazard"]))
    for (lik, sev), names in cells.items():
        blocker = bar is not None and blocks_launch({"likelihood": lik, "severity": sev}, bar)
        ax.scatter([lik], [sev], s=260 + 90 * (len(names) - 1), zorder=3,
                   color=COLORS["unsafe"] if blocker else COLORS["neutral"],
                   edgecolor="white", linewidth=1.5)
        ax.annotate("\n".join(names), (lik, sev), xytext=(0, 0), textcoords="offset points",
                    ha="center", va="center", fontsize=7, color="white", zorder=4,
                    fontweight="bold")
    if bar is not None:
        lik = np.linspace(0.5, 5.5, 200)
        ax.plot(lik, np.minimum(bar / lik, CATASTROPHIC - 0.5), color=COLORS["unsafe"],
                lw=1.5, ls="--",
                label=f"launch bar: likelihood x severity >= {bar}, or severity {CATASTROPHIC}")
        ax.axhspan(CATASTROPHIC - 0.5, CATASTROPHIC + 0.5, color=COLORS["unsafe"], alpha=0.08,
                   zorder=0)
        ax.legend(loc="lower left", fontsize=8)
    ax.set(xlim=(0.5, 5.5), ylim=(0.5, 5.5), xticks=range(1, 6), yticks=range(1, 6),
           xlabel="likelihood (1 rare ... 5 almost certain)",
           ylabel="severity (1 negligible ... 5 catastrophic)", title=title)
    ax.grid(False)
    return ax


def design_map(design, *, ax=None, title=None):
    """Show where a design's controls sit: stages across, hazards down.

    A filled marker is the earliest control of a hazard; hollow markers are later ones.
    A hazard with no control gets a red cross at the end of its row.
    """
    ax = get_ax(ax)
    stages = list(design.stages)
    hazards = list(design.hazards)
    for row, hazard in enumerate(hazards):
        cols = sorted({stages.index(c.stage) for c in design.controls if hazard in c.hazards})
        ax.plot([0, len(stages) - 1], [row, row], color=COLORS["muted"], lw=0.8, zorder=1)
        if not cols:
            ax.scatter([len(stages) - 0.4], [row], marker="x", s=80, color=COLORS["unsafe"],
                       zorder=3)
            continue
        first = cols[0]
        color = COLORS["unsafe"] if first == len(stages) - 1 else COLORS["safe"]
        ax.scatter([first], [row], s=120, color=color, zorder=3)
        if cols[1:]:
            ax.scatter(cols[1:], [row] * len(cols[1:]), s=120, facecolor="white",
                       edgecolor=COLORS["neutral"], zorder=3)
    ax.set_xticks(range(len(stages)), stages, rotation=20)
    ax.set_yticks(range(len(hazards)), hazards)
    ax.set_xlim(-0.5, len(stages) - 0.2)
    ax.set_ylim(len(hazards) - 0.5, -0.5)
    ax.set_xlabel("pipeline stage (earliest on the left)")
    ax.set_title(title or design.name)
    ax.grid(False)
    return ax
