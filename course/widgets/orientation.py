"""The m00 explorer: move the launch bar over a risk register."""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt

from ..plots.orientation import risk_matrix
from . import explorer


@explorer
def risk_appetite_explorer(register, prioritise, *, bar: int = 12) -> W.VBox:
    """Move the launch bar and see which risks must be mitigated before launch.

    register: list of risk dicts (see ``course.data.orientation.RISK_FIELDS``).
    prioritise: the learner's function, which orders the register highest priority first.
    """
    slider = W.IntSlider(value=bar, min=1, max=25, description="launch bar",
                         continuous_update=False, style={"description_width": "initial"})
    out = W.Output()

    def redraw(change=None):
        with out:
            out.clear_output(wait=True)
            fig, ax = plt.subplots(figsize=(6, 4.2))
            risk_matrix(register, bar=slider.value, ax=ax)
            plt.show()
            blockers = [r for r in prioritise(register)
                        if r["likelihood"] * r["severity"] >= slider.value]
            print(f"{len(blockers)} of {len(register)} risks block launch at bar {slider.value}:")
            for r in blockers:
                print(f"  {r['hazard']:>4}  L{r['likelihood']} x S{r['severity']}  "
                      f"{r['mitigation']}  [{r['metric']} <= {r['threshold']}; {r['owner']}]")

    slider.observe(redraw, names="value")
    redraw()
    return W.VBox([slider, out])
