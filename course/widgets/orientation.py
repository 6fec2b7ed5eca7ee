"""The m00 explorer: move the launch bar over a risk register."""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt

from ..data.orientation import blocks_launch
from ..plots.orientation import risk_matrix
from . import explorer


@explorer
def risk_appetite_explorer(register, prioritise, *, bar: int = 12) -> W.VBox:
    """Move the launch bar and see which risks must be mitigated before launch.

    A risk blocks launch when likelihood x severity reaches the bar, and always when its
    severity is 5 (:func:`course.data.orientation.blocks_launch`).

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
            blockers = [r for r in prioritise(register) if blocks_launch(r, slider.value)]
            print(f"{len(blockers)} of {len(register)} risks block launch at bar "
                  f"{slider.value} (or severity 5):")
            for r in blockers:
                print(f"  {r['hazard']:>4}  L{r['likelihood']} x S{r['severity']}  "
                      f"{r['mitigation']}  [act when {r['metric']} "
                      f"{r.get('direction', '?')} {r['threshold']}; {r['owner']}]")

    slider.observe(redraw, names="value")
    redraw()
    return W.VBox([slider, out])
