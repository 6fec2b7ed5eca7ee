"""The m06 explorer: a measured rate and its interval, live as a natural frequency."""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt

from ..data.diagnostic import wilson
from ..plots.stakeholder import icon_array
from . import explorer


@explorer
def frequency_explorer(say=None, events: int = 28, trials: int = 90) -> W.VBox:
    """Move the events and the trials; see the rate, its Wilson interval and 100 people.

    say: a function (rate, low, high) -> str, for example your ``natural_frequency``; its
    sentence is printed under the figure (an error it raises is printed, not raised).
    """
    n = W.IntSlider(value=trials, min=5, max=2000, step=5, description="trials",
                    continuous_update=False)
    x = W.IntSlider(value=events, min=0, max=trials, description="events",
                    continuous_update=False)
    out = W.Output()

    def redraw(change=None):
        x.max = n.value
        rate = x.value / n.value
        low, high = wilson(x.value, n.value)
        with out:
            out.clear_output(wait=True)
            fig, ax = plt.subplots(figsize=(4.2, 4.2))
            icon_array(rate, low, high, ax=ax)
            plt.show()
            print(f"{x.value} of {n.value}: rate {rate:.3f}, 95% interval {low:.3f} to {high:.3f}")
            if say is not None:
                try:
                    print("said plainly:", say(rate, low, high))
                except Exception as exc:  # the learner's function: show, do not raise
                    print(f"your function raised {type(exc).__name__}: {exc}")

    n.observe(redraw, names="value")
    x.observe(redraw, names="value")
    redraw()
    return W.VBox([W.HBox([x, n]), out])
