"""Figures for m02-poisoned-pipeline: shift tests, suspicion, triggers, recovery, DP error."""

from __future__ import annotations

import numpy as np

from . import COLORS, get_ax


def shift_pvalues(table, *, alpha: float = 0.05, ax=None,
                  title="Per-batch label shift against the reference"):
    """Bars of -log10 p per batch, raw and corrected, with the alpha line.

    table: pandas.DataFrame indexed by (vendor, batch) with columns ``p_value``,
        ``p_adjusted`` and ``flagged``.
    """
    ax = get_ax(ax, figsize=(9, 3.6))
    x = np.arange(len(table))
    raw = -np.log10(np.clip(table["p_value"].to_numpy(float), 1e-300, 1))
    adj = -np.log10(np.clip(table["p_adjusted"].to_numpy(float), 1e-300, 1))
    ax.bar(x - 0.2, raw, 0.4, color=COLORS["muted"], label="raw p")
    ax.bar(x + 0.2, adj, 0.4, label="corrected p",
           color=[COLORS["unsafe"] if f else COLORS["neutral"] for f in table["flagged"]])
    ax.axhline(-np.log10(alpha), color=COLORS["warn"], ls="--", lw=1.2,
               label=f"alpha = {alpha}")
    ax.set_xticks(x, [f"{v}/{b}" for v, b in table.index], rotation=60, fontsize=7)
    ax.set(ylabel="-log10 p", title=title)
    ax.legend(fontsize=8, loc="upper right")
    return ax


def precision_at_k(scores, is_bad, *, ks=None, ax=None, label="suspicion scores",
                   color=None, reference: bool = True,
                   title="Precision at k against the planted flips"):
    """Precision of the top-k records by score, for a range of k.

    scores: float array (n,); is_bad: bool array (n,), the ground truth.
    reference: draw the lines for k = number of flips and for a random ranking (once per
    axes: pass False when adding a second curve).
    """
    ax = get_ax(ax)
    scores, is_bad = np.asarray(scores, float), np.asarray(is_bad, bool)
    order = np.argsort(-scores, kind="stable")
    ks = np.arange(1, min(len(scores), 4 * max(int(is_bad.sum()), 1)) + 1) if ks is None else ks
    prec = np.cumsum(is_bad[order])[np.asarray(ks) - 1] / np.asarray(ks)
    ax.plot(ks, prec, label=label, color=color)
    if reference:
        ax.axvline(is_bad.sum(), color=COLORS["muted"], ls=":", lw=1,
                   label=f"k = number of flips ({int(is_bad.sum())})")
        ax.axhline(is_bad.mean(), color=COLORS["warn"], ls="--", lw=1, label="random ranking")
    ax.set(xlabel="k (records reviewed, most suspicious first)", ylabel="precision at k",
           ylim=(0, 1.05), title=title)
    ax.legend(fontsize=8)
    return ax


def token_ranking(ranking, *, top: int = 12, trigger: str | None = None, ax=None,
                  title="Tokens most tied to the suspicious records"):
    """Horizontal bars of the top tokens' scores.

    ranking: pandas.DataFrame with columns ``token`` and ``score``, best first.
    """
    ax = get_ax(ax, figsize=(6, 4))
    head = ranking.head(top).iloc[::-1]
    colors = [COLORS["unsafe"] if t == trigger else COLORS["neutral"] for t in head["token"]]
    ax.barh(head["token"], head["score"], color=colors)
    ax.set(xlabel="log odds ratio (suspicious vs other records)", title=title)
    return ax


def recovery(before: dict, after: dict, *, ax=None,
             title="Quarantine the batch, retrain"):
    """Grouped bars of clean accuracy and attack success before and after quarantine.

    before, after: dicts with float ``accuracy`` and ``attack_success`` in [0, 1].
    """
    ax = get_ax(ax, figsize=(6, 3.6))
    x = np.arange(2)
    for j, (name, res, color) in enumerate([("trained on everything", before, COLORS["unsafe"]),
                                            ("batch quarantined", after, COLORS["safe"])]):
        vals = [res["accuracy"], res["attack_success"]]
        bars = ax.bar(x + (j - 0.5) * 0.38, vals, 0.38, color=color, label=name)
        ax.bar_label(bars, labels=[f"{v:.0%}" for v in vals], fontsize=8)
    ax.set_xticks(x, ["clean accuracy", "backdoor attack success"])
    ax.set(ylim=(0, 1.1), ylabel="share", title=title)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2)
    return ax


def dp_error(epsilons, errors, expected, *, labels=("count", "mean"), ax=None,
             title="Laplace error scales as 1/epsilon"):
    """Log-log plot of measured RMSE against epsilon, with the theoretical sqrt(2)*b lines.

    epsilons: float array (m,); errors, expected: lists of float arrays (m,), one per
    statistic named in ``labels``.
    """
    ax = get_ax(ax)
    for err, exp, lab, color in zip(errors, expected, labels,
                                    (COLORS["neutral"], COLORS["unsafe"])):
        ax.plot(epsilons, exp, color=color, lw=1, ls="--")
        ax.plot(epsilons, err, "o", color=color, label=f"{lab}: measured (dashed: theory)")
    ax.set(xscale="log", yscale="log", xlabel="epsilon (privacy loss per release)",
           ylabel="root mean squared error", title=title)
    ax.legend(fontsize=8)
    return ax


def sweep_panels(sweep, *, rate=None, threshold=None, axes=None):
    """Attack success and clean records removed against the detection threshold.

    sweep: pandas.DataFrame with columns ``rate``, ``threshold``, ``attack_success`` and
        ``false_positives`` (share of clean records removed), as built by
        :func:`course.widgets.poisoning.detection_sweep`. rate, threshold: highlight one.
    """
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    rates = sorted(sweep["rate"].unique())
    cmap = plt.get_cmap("viridis")
    for i, r in enumerate(rates):
        g = sweep[sweep["rate"] == r].sort_values("threshold")
        bold = rate is None or np.isclose(r, rate)
        kw = dict(color=cmap(i / max(len(rates) - 1, 1)), lw=2.2 if bold else 1,
                  alpha=1 if bold else 0.35, label=f"{r:.0%} of batch's unsafe poisoned")
        axes[0].plot(g["threshold"], g["attack_success"], **kw)
        axes[1].plot(g["threshold"], g["false_positives"], **kw)
    if threshold is not None:
        for ax in axes:
            ax.axvline(threshold, color=COLORS["muted"], ls="--", lw=1)
    axes[0].set(xlabel="detection threshold (remove records scoring above it)",
                ylabel="backdoor attack success after retraining", ylim=(0, 1.02),
                title="Attack success")
    axes[1].set(xlabel="detection threshold", ylabel="share of clean records removed",
                title="False positives")
    axes[0].legend(fontsize=7, loc="upper left")
    return axes


def dp_shift(table, *, ax=None, title="Shift test on DP-released batch counts"):
    """Detection and false-alarm shares of the shift test against epsilon.

    table: pandas.DataFrame indexed by epsilon with two columns: the share of releases in
        which the poisoned batch was flagged, and the share with at least one clean batch
        flagged (a false alarm).
    """
    ax = get_ax(ax, figsize=(6, 3.6))
    eps = table.index.to_numpy(float)
    found, alarms = (table.iloc[:, i].to_numpy(float) for i in (0, 1))
    ax.plot(eps, found, "o-", color=COLORS["safe"], label=str(table.columns[0]))
    ax.plot(eps, alarms, "s--", color=COLORS["unsafe"], label=str(table.columns[1]))
    ax.set(xscale="log", xlabel="epsilon per release of all batch counts",
           ylabel="share of releases", ylim=(-0.03, 1.05), title=title)
    ax.legend(fontsize=8)
    return ax


def decision_options(situation, decision=None, *, ax=None,
                     title="Tonight's options against the release rule"):
    """Data removed against attack success (point and 95% upper end), per option.

    situation: the decision exercise's dict (``options``, ``asr_ceiling``, ``acc_floor``,
        ``alpha``). decision: a :class:`course.judgment.Decision` to highlight, or None.
    Green options meet the whole rule; hollow ones break the accuracy floor or the
    evidence rule; the chosen one is ringed.
    """
    ax = get_ax(ax, figsize=(7.5, 4))
    for j, (name, o) in enumerate(sorted(situation["options"].items(),
                                         key=lambda kv: kv[1]["removed"])):
        ok_other = o["clean_acc"] >= situation["acc_floor"] and o["p_holm"] <= situation["alpha"]
        meets = ok_other and o["asr_high"] <= situation["asr_ceiling"]
        color = COLORS["safe"] if meets else COLORS["unsafe"]
        ax.errorbar(o["removed"], o["asr"], yerr=[[0], [o["asr_high"] - o["asr"]]], fmt="o",
                    color=color, mfc=color if ok_other else "white", capsize=3)
        chosen = decision is not None and decision.option == name
        if chosen:
            ax.plot(o["removed"], o["asr"], "o", ms=16, mfc="none", mec=COLORS["neutral"])
        ax.annotate(name, (o["removed"], o["asr"]), xytext=(6, 10 if j % 2 else -14),
                    textcoords="offset points", fontsize=8,
                    fontweight="bold" if chosen else "normal")
    ax.axhline(situation["asr_ceiling"], color=COLORS["warn"], ls="--", lw=1.2,
               label=f"attack ceiling {situation['asr_ceiling']:.0%}")
    ax.set(yscale="log", ylim=(0.03, 1.5), xlabel="share of training records removed",
           ylabel="backdoor attack success\n(bar: to the 95% upper end)",
           title=title if decision is None else f"{title}: {decision.option}")
    ax.set_xlim(-0.01, max(o["removed"] for o in situation["options"].values()) * 1.35 + 0.01)
    ax.legend(fontsize=8, loc="upper right")
    return ax
