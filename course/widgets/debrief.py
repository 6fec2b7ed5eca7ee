"""The m07 explorer: move one control's threshold and watch the interviewer rerun its scenario."""

from __future__ import annotations

import copy

import ipywidgets as W

from . import explorer


@explorer
def threshold_explorer(design, seeds=(0, 1)) -> W.VBox:
    """A dropdown of the design's controls and a slider for the chosen control's threshold
    (from a quarter to four times its value); the scenario of that control's hazard is rerun
    on ``seeds`` with and without the incident, and the harm against the tolerance and the
    false alarms are drawn, the detection and the cost printed. The design itself is not
    changed."""
    import matplotlib.pyplot as plt

    from ..plots.debrief import threshold_panels
    from ..sim.interviewer import run_scenario

    names = [c.name for c in design.controls]
    pick = W.Dropdown(options=names, description="control")
    factor = W.FloatLogSlider(value=1.0, base=2, min=-2, max=2, step=0.25,
                              description="x threshold", continuous_update=False)
    out = W.Output()

    def redraw(change=None):
        with out:
            out.clear_output(wait=True)
            d = copy.deepcopy(design)
            c = next(x for x in d.controls if x.name == pick.value)
            c.threshold = float(c.threshold) * factor.value
            print(f"{c.name}: fires when {c.metric} {c.direction} {c.threshold:.4g} "
                  f"({c.action}, {c.stage} stage)")
            rows, tolerance = [], 0.0
            for s in seeds:
                o = run_scenario(d, c.hazard, s)
                q = run_scenario(d, c.hazard, s, incident=False)
                rows.append((s, o.harm, o.contained, q.false_alarms))
                tolerance = o.tolerance
                cost = ", ".join(f"{k} {v:.3g}" for k, v in q.cost.items())
                print(f"  seed {s}: {'contained' if o.contained else 'NOT contained'}, harm "
                      f"{o.harm:g} (allowed {o.tolerance:g}); first to fire: {o.detected_by}; "
                      f"reviews/day {o.reviews_per_day:g}; with no incident: {q.false_alarms} "
                      f"false alarms, {cost}")
            threshold_panels(rows, tolerance, title=c.hazard.replace("_", " "))
            plt.tight_layout()
            plt.show()

    pick.observe(redraw, names="value")
    factor.observe(redraw, names="value")
    redraw()
    return W.VBox([W.HBox([pick, factor]), out])
