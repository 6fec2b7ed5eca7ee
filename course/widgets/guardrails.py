"""The m01 explorer: move the input and output thresholds, watch both axes."""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt

from ..plots.guardrails import gate_rates, tradeoff
from . import explorer


@explorer
def threshold_explorer(input_scores, output_scores, unsafe, harmful, *, t_in=0.5,
                       t_out=0.5) -> W.VBox:
    """Two sliders (input and output threshold) over precomputed gate scores.

    input_scores, output_scores: arrays of shape (n,), the gates' scores for n requests and
        their responses; unsafe, harmful: bool arrays of shape (n,), ground truth.
    The figure and the numbers update when a slider is released.
    """
    style = {"description_width": "initial"}
    s_in = W.FloatSlider(value=t_in, min=0.01, max=1.01, step=0.01, description="input threshold",
                         continuous_update=False, style=style, readout_format=".2f")
    s_out = W.FloatSlider(value=t_out, min=0.01, max=1.01, step=0.01,
                          description="output threshold", continuous_update=False, style=style,
                          readout_format=".2f")
    out = W.Output()

    def redraw(change=None):
        with out:
            out.clear_output(wait=True)
            asr, frr = gate_rates(s_in.value, s_out.value, input_scores, output_scores,
                                  unsafe, harmful)
            print(f"attack success {asr:.1%}   false refusals {frr:.1%}   "
                  "(a threshold above 1.00 switches that gate off)")
            fig, ax = plt.subplots(figsize=(7, 4))
            tradeoff(input_scores, output_scores, unsafe, harmful,
                     t_out_values=(s_out.value,), point=(s_in.value, s_out.value), ax=ax)
            plt.show()

    s_in.observe(redraw, names="value")
    s_out.observe(redraw, names="value")
    redraw()
    return W.VBox([W.HBox([s_in, s_out]), out])
