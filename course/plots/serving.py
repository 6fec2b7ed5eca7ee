"""Figures for m04-safety-over-speed: incident timeline, check costs, the Pareto front."""

from __future__ import annotations

import numpy as np

from . import COLORS, get_ax

_LINE = [COLORS["unsafe"], COLORS["safe"], COLORS["neutral"], COLORS["warn"], COLORS["accent"]]


def incident_timeline(runs, *, incident_at=None, halts=(), fixed_at=None, bin_s: float = 2.0,
                      ax=None, title="Unsafe outputs delivered, per second"):
    """Unsafe outputs the users saw per second, one line per run.

    runs: dict label -> requests DataFrame (columns ``arrival_s``, ``unsafe_delivered``).
    incident_at: the bad deploy's time (a shaded band from there); halts: times the breaker
    opened (marked); fixed_at: when the deploy was fixed.
    """
    ax = get_ax(ax, figsize=(8, 3.4))
    end = max(float(r["arrival_s"].max()) for r in runs.values())
    edges = np.arange(0.0, end + bin_s, bin_s)
    for i, (label, r) in enumerate(runs.items()):
        counts, _ = np.histogram(r.loc[r["unsafe_delivered"], "arrival_s"], bins=edges)
        ax.step(edges[:-1], counts / bin_s, where="post", lw=1.8, color=_LINE[i % 5],
                label=f"{label}: {int(r['unsafe_delivered'].sum())} in total")
    if incident_at is not None:
        ax.axvspan(incident_at, fixed_at if fixed_at is not None else end,
                   color=COLORS["muted"], alpha=0.15, label="bad deploy live")
    for j, h in enumerate(halts):
        ax.axvline(h, color=COLORS["safe"], ls="--", lw=1.2,
                   label="breaker opens (halt)" if j == 0 else None)
    ax.set(xlabel="simulated time (s)", ylabel="unsafe outputs / s", title=title)
    ax.legend(fontsize=8, loc="upper left")
    return ax


def check_costs(costs, *, budget_ms=None, ax=None,
                title="Added latency per request, by layout"):
    """Empirical CDF of added latency per request for each layout.

    costs: dict label -> array of per-request added ms.
    """
    ax = get_ax(ax, figsize=(7, 3.4))
    for i, (label, c) in enumerate(costs.items()):
        c = np.sort(np.asarray(c, dtype=float))
        ax.plot(c, np.arange(1, c.size + 1) / c.size, lw=1.8, color=_LINE[i % 5],
                label=f"{label}: mean {c.mean():.0f}, p95 {np.percentile(c, 95):.0f} ms")
    if budget_ms is not None:
        ax.axvline(budget_ms, color=COLORS["muted"], ls="--", lw=1.2,
                   label=f"budget {budget_ms:g} ms")
    ax.axhline(0.95, color=COLORS["muted"], lw=0.8, ls=":")
    ax.set(xlabel="added latency (ms)", ylabel="share of requests", title=title,
           xscale="symlog")
    ax.legend(fontsize=8, loc="lower right")
    return ax


def pareto(table, front=(), *, chosen=None, max_p95=50.0, min_throughput=0.95,
           p95="p95_ms_high", throughput="throughput_peak", unsafe="unsafe_delivered",
           ax=None, title="Configurations: latency overhead against unsafe outputs"):
    """Each configuration as a point: p95 overhead (x) against unsafe outputs delivered (y).

    table: DataFrame indexed by configuration with the named columns. Filled markers meet
    the throughput floor, hollow ones do not; the Pareto front (``front``: names) is joined
    by a line; ``chosen`` is ringed; the latency budget is a dashed line.
    """
    ax = get_ax(ax, figsize=(8, 4.2))
    ok = table[throughput] >= min_throughput - 1e-9
    for name, row in table.iterrows():
        colour = COLORS["safe"] if (row[p95] <= max_p95 and ok[name]) else COLORS["unsafe"]
        ax.scatter(row[p95], row[unsafe], s=55, zorder=3,
                   facecolors=colour if ok[name] else "none", edgecolors=colour, lw=1.5)
        ax.annotate(name, (row[p95], row[unsafe]), fontsize=7, xytext=(4, 3),
                    textcoords="offset points")
    front = [f for f in front if f in table.index]
    if front:
        f = table.loc[front].sort_values(p95)
        ax.plot(f[p95], f[unsafe], color=COLORS["neutral"], lw=1, ls="-", zorder=2,
                label="Pareto front")
    if chosen is not None and chosen in table.index:
        ax.scatter(table.loc[chosen, p95], table.loc[chosen, unsafe], s=260, zorder=2,
                   facecolors="none", edgecolors=COLORS["neutral"], lw=2, label="chosen")
    ax.axvline(max_p95, color=COLORS["muted"], ls="--", lw=1.2,
               label=f"p95 budget {max_p95:g} ms")
    ax.scatter([], [], facecolors="none", edgecolors=COLORS["muted"],
               label=f"hollow: throughput at peak < {min_throughput:.0%}")
    ax.set(xlabel="p95 overhead per request, upper 95% bound (ms)",
           ylabel="unsafe outputs delivered", title=title, xscale="symlog")
    ax.legend(fontsize=8, loc="upper right")
    return ax


def explorer_panels(table, *, budget_ms, axes=None, chosen=None):
    """Three panels for the explorer, one bar per configuration: unsafe outputs delivered,
    throughput kept at peak, and the p95 overhead bound against the latency budget (a line);
    configurations over the budget are greyed out in all three."""
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(12, 3.6), sharey=True)
    t = table.sort_values("unsafe_delivered")
    inside = t["p95_ms_high"] <= budget_ms
    colours = [COLORS["safe"] if i else COLORS["muted"] for i in inside]
    y = np.arange(len(t))
    axes[0].barh(y, t["unsafe_delivered"], color=colours)
    axes[0].set_yticks(y, t.index, fontsize=7)
    axes[0].set(xlabel="unsafe outputs delivered", title="Safety (grey: over budget)")
    axes[1].barh(y, t["throughput_peak"], color=colours)
    axes[1].axvline(0.95, color=COLORS["unsafe"], ls="--", lw=1)
    axes[1].set(xlabel="throughput kept at peak", xlim=(0.8, 1.02), title="Capacity")
    axes[2].barh(y, t["p95_ms_high"], color=colours)
    axes[2].axvline(budget_ms, color=COLORS["unsafe"], ls="--", lw=1)
    axes[2].set(xlabel="p95 overhead, upper bound (ms)",
                xlim=(0, max(float(t["p95_ms_high"].max()), budget_ms) * 1.1),
                title=f"Latency (budget {budget_ms:.0f} ms)")
    if chosen is not None and chosen in t.index:
        k = list(t.index).index(chosen)
        axes[0].get_yticklabels()[k].set_fontweight("bold")
    return axes
