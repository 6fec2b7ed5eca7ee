"""Figures for m03 (federated judgment): client mix, the attack-sweep heatmap, accuracy
against attacker fraction, attribution over rounds and the decision map.

Every function takes an optional ``ax`` (or ``axes``) and returns it. Sweep tables are
pandas DataFrames with columns ``partition``, ``rule``, ``attack``, ``fraction`` and
``accuracy`` (one row per run), as the m03 notebook builds them.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from . import COLORS

RULE_COLORS = {"mean": COLORS["unsafe"], "median": COLORS["neutral"],
               "trimmed": COLORS["sky"], "krum": COLORS["warn"],
               "multikrum": COLORS["accent"], "clip": COLORS["safe"]}


def client_mix(counts, ax=None, title="Rows per client and class"):
    """A stacked bar per client: how many rows of each digit it holds."""
    counts = np.asarray(counts)
    ax = ax or plt.subplots(figsize=(7, 3))[1]
    bottom = np.zeros(len(counts))
    cmap = plt.get_cmap("tab10")
    for c in range(counts.shape[1]):
        ax.bar(np.arange(len(counts)), counts[:, c], bottom=bottom, color=cmap(c), width=0.85,
               label=str(c))
        bottom += counts[:, c]
    ax.set(xlabel="client", ylabel="rows", title=title)
    ax.legend(ncol=10, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.22),
              title="digit", title_fontsize=7)
    return ax


def sweep_heatmap(table, partition: str, fraction: float, ax=None, rules=None, attacks=None):
    """Accuracy for every rule (rows) and attack (columns) at one attacker fraction."""
    sub = table[(table["partition"] == partition) & np.isclose(table["fraction"], fraction)]
    grid = sub.pivot_table(index="rule", columns="attack", values="accuracy")
    if rules is not None:
        grid = grid.reindex([r for r in rules if r in grid.index])
    if attacks is not None:
        grid = grid[[a for a in attacks if a in grid.columns]]
    ax = ax or plt.subplots(figsize=(6, 3.2))[1]
    im = ax.imshow(grid.to_numpy(), vmin=0, vmax=1, cmap="RdYlGn", aspect="auto")
    ax.set_xticks(range(grid.shape[1]), grid.columns, rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(grid.shape[0]), grid.index, fontsize=8)
    ax.grid(False)
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            v = grid.iat[i, j]
            ax.text(j, i, "-" if np.isnan(v) else f"{v:.2f}", ha="center", va="center",
                    fontsize=7)
    ax.set_title(f"{partition}, {fraction:.0%} attackers", fontsize=10)
    return ax, im


def fraction_curves(table, attack: str, partition: str, ax=None, highlight=None,
                    clean=None):
    """Accuracy against attacker fraction, one line per rule, for one attack.

    clean: optional table of rows with fraction 0 (no attack) to start every line from.
    """
    ax = ax or plt.subplots(figsize=(6, 3.6))[1]
    sub = table[(table["partition"] == partition) & (table["attack"] == attack)]
    for rule, g in sub.groupby("rule", sort=False):
        g = g.sort_values("fraction")
        x, y = list(g["fraction"]), list(g["accuracy"])
        if clean is not None:
            c = clean[(clean["partition"] == partition) & (clean["rule"] == rule)]
            if len(c):
                x, y = [0.0] + x, [float(c["accuracy"].iloc[0])] + y
        lw = 3 if rule == highlight else 1.5
        ax.plot(x, y, marker="o", lw=lw, color=RULE_COLORS.get(rule), label=rule,
                alpha=1 if highlight in (None, rule) else 0.45)
    ax.axhline(0.1, ls=":", color=COLORS["muted"], lw=1)
    ax.set(xlabel="attacker fraction", ylabel="test accuracy", ylim=(-0.02, 1.0),
           title=f"{attack}, {partition}")
    ax.legend(fontsize=8)
    return ax


def attribution_curve(per_round, cumulative, ax=None):
    """Precision and recall of attribution from one round alone vs evidence so far.

    per_round, cumulative: sequences of (precision, recall), one per round.
    """
    ax = ax or plt.subplots(figsize=(6, 3.4))[1]
    pr, cu = np.asarray(per_round, float), np.asarray(cumulative, float)
    t = np.arange(1, len(pr) + 1)
    ax.plot(t, pr[:, 0], ls="--", color=COLORS["warn"], label="precision, this round only")
    ax.plot(t, pr[:, 1], ls="--", color=COLORS["muted"], label="recall, this round only")
    ax.plot(t, cu[:, 0], lw=2.5, color=COLORS["safe"], label="precision, rounds so far")
    ax.plot(t, cu[:, 1], lw=2.5, color=COLORS["neutral"], label="recall, rounds so far")
    ax.set(xlabel="round", ylabel="share", ylim=(-0.02, 1.05),
           title="Attribution: one round vs the evidence so far")
    ax.legend(fontsize=8)
    return ax


def decision_map(table, chosen=None, min_accuracy=None, ax=None):
    """Each design on worst-case accuracy (x) and audit recall (y); exposure as a label."""
    ax = ax or plt.subplots(figsize=(6, 3.6))[1]
    for name, row in table.items():
        color = COLORS["safe"] if name == chosen else COLORS["unsafe"]
        ax.scatter([row["accuracy"]], [row["audit_recall"]], s=80, color=color)
        ax.annotate(f"{name}\nexposure {row['exposure']:g}", (row["accuracy"],
                    row["audit_recall"]), xytext=(6, -4), textcoords="offset points",
                    fontsize=8)
    if min_accuracy is not None:
        ax.axvline(min_accuracy, ls="--", color=COLORS["muted"], lw=1)
    ax.set(xlabel="worst-case accuracy under the threat model", ylabel="attribution recall",
           xlim=(0, 1.05), ylim=(-0.05, 1.1), title=f"The three designs: chose {chosen}")
    return ax
