"""The m03 explorer: attack, attacker fraction and aggregation rule against accuracy and
attribution, over a sweep the notebook has already run with the learner's rules."""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np

from ..plots.federated import fraction_curves
from . import explorer


@explorer
def sweep_explorer(table, clean=None) -> W.VBox:
    """Dropdowns for attack, rule and partition, a slider for the attacker fraction.

    table: the sweep (columns partition, rule, attack, fraction, accuracy, and optionally
        precision and recall of attribution); clean: rows with no attacker, per rule.
    """
    attack = W.Dropdown(options=sorted(table["attack"].unique()), description="attack")
    rule = W.Dropdown(options=list(dict.fromkeys(table["rule"])), description="rule")
    part = W.Dropdown(options=list(dict.fromkeys(table["partition"])), description="clients")
    fracs = sorted(table["fraction"].unique())
    frac = W.SelectionSlider(options=[(f"{f:.0%}", f) for f in fracs], value=fracs[-1],
                             description="attackers", continuous_update=False)
    out = W.Output()

    def redraw(change=None):
        with out:
            out.clear_output(wait=True)
            _, ax = plt.subplots(figsize=(6.5, 3.6))
            fraction_curves(table, attack.value, part.value, ax=ax, highlight=rule.value,
                            clean=clean)
            ax.axvline(frac.value, ls="--", color="#999999", lw=1)
            plt.show()
            row = table[(table["attack"] == attack.value) & (table["rule"] == rule.value)
                        & (table["partition"] == part.value)
                        & np.isclose(table["fraction"], frac.value)]
            if len(row):
                r = row.iloc[0]
                text = f"{rule.value} under {attack.value} at {frac.value:.0%}: accuracy " \
                       f"{r['accuracy']:.2f}"
                if "precision" in row and not np.isnan(r.get("precision", np.nan)):
                    text += f"; attribution precision {r['precision']:.2f}, recall " \
                            f"{r['recall']:.2f}"
                print(text)
            else:
                print("no run for this combination (the rule refused it)")

    for w in (attack, rule, part, frac):
        w.observe(redraw, names="value")
    redraw()
    return W.VBox([W.HBox([attack, rule]), W.HBox([part, frac]), out])
