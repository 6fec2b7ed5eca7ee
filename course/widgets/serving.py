"""The m04 explorer: latency budget and breaker sensitivity against unsafe outputs
delivered, throughput kept at peak and p95 overhead."""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt
import pandas as pd

from ..plots.serving import explorer_panels
from . import explorer


@explorer
def operating_explorer(table: pd.DataFrame, rerun, *, sensitivities=(0.0, 0.05, 0.15),
                       current: float = 0.05) -> W.VBox:
    """Sliders over the operating-point sweep.

    table: DataFrame indexed by configuration with columns ``unsafe_delivered``,
        ``throughput_peak`` and ``p95_ms_high``, measured with the breaker at ``current``.
    rerun: a function of a breaker sensitivity (the flagged share that trips it; 0 for no
        breaker) returning the same table re-measured at that sensitivity. Called lazily,
        once per setting, when the slider moves.
    The budget slider greys out configurations whose p95 bound is over it; the text names
    the safest configuration inside the budget that keeps 95% of peak throughput, or says
    none does.
    """
    cache = {current: table}
    budget = W.IntSlider(value=50, min=5, max=200, step=5, description="p95 budget (ms)",
                         continuous_update=False, style={"description_width": "initial"})
    sens = W.SelectionSlider(options=[("off" if k == 0 else f"{k:.0%}", k)
                                      for k in sorted(set(sensitivities) | {current})],
                             value=current, description="breaker trips at",
                             continuous_update=False, style={"description_width": "initial"})
    out = W.Output()

    def draw(*_):
        if sens.value not in cache:
            cache[sens.value] = rerun(sens.value)
        t = cache[sens.value]
        ok = t[(t["p95_ms_high"] <= budget.value) & (t["throughput_peak"] >= 0.95)]
        best = ok["unsafe_delivered"].idxmin() if len(ok) else None
        with out:
            out.clear_output(wait=True)
            explorer_panels(t, budget_ms=budget.value, chosen=best)
            plt.tight_layout()
            plt.show()
            print(f"safest inside the budget with >= 95% throughput: {best} "
                  f"({int(t.loc[best, 'unsafe_delivered'])} unsafe outputs)" if best else
                  "no configuration meets both: hold and escalate (which limit binds?)")

    budget.observe(draw, "value")
    sens.observe(draw, "value")
    draw()
    return W.VBox([W.HBox([budget, sens]), out])
