"""m05's diagnostic model, recomputed for m06: the options a team would bring to a meeting.

m06 (stakeholder trade-offs) communicates the results of m05 (disaggregated debiasing). It
never reads m05's notebook state; it recomputes the same model here, from the same
generator (:func:`course.data.clinical.make_cohort`, 8,000 patients) and the same kind of
split (train / validation / test = 50 / 25 / 25, one seeded permutation; the rows differ
from m05's, so the numbers differ a little).

The mitigations come from fairlearn's published implementations, **not** from m05's
exercises: m05's learners write their own reweighing and equal-opportunity thresholds in
m05, and this package holds neither (a learner of m05 could import or read it).

- **baseline**: standardised features, logistic regression on the *recorded* labels, one
  threshold of 0.5;
- **constrained training**: the reductions approach (Agarwal et al., ICML 2018), through
  ``fairlearn.reductions.ExponentiatedGradient`` with ``TruePositiveRateParity`` around the
  same pipeline, trained on the recorded labels of the training split (the only labels
  training has). Its result is in general a randomised mixture of logistic regressions,
  whose draws are seeded from ``seed``. Its slack ``eps`` is fairlearn's default (0.01) and
  ``max_iter`` is capped at 20 (fairlearn's default is 50) so that a study stays cheap: on
  the notebook's cohort it stops after 9 iterations (about 30 fits of the logistic
  regression, 1 to 2 seconds on two cores) and the default cap gives the same numbers;
- **group thresholds**: equal opportunity (Hardt, Price and Srebro, NeurIPS 2016), through
  ``fairlearn.postprocessing.ThresholdOptimizer`` (``constraints="true_positive_rate_parity"``,
  ``prefit=True``, ``predict_method="predict_proba"``) on the baseline's scores, fitted on
  the chart-reviewed validation split's *truth*: per group, the most accurate thresholds
  whose TPRs are equal. To make the TPRs exactly equal it may randomise between two
  thresholds for a group (a patient near the cut-off is flagged with a probability); those
  draws are seeded from ``seed``, and :attr:`Study.thresholds` records both thresholds and
  their probabilities. Training-time and post-processing constraints are not combined:
  ThresholdOptimizer needs a score, and the mixture above gives only randomised labels;
- **second reader**: the baseline, plus a clinician who reviews every patient whose score
  falls in an uncertainty band and decides from the chart (right with probability
  ``reader_accuracy``, drawn per patient from ``seed``).

Latency is simulated, not timed (timings would differ per machine and break reproducible
outputs): each request's latency in seconds is log-normal around a documented median per
component (the model 0.02 s, the same draws for every option, since none of the mitigations
reads more than the model does; a second reader 2 hours for the patients sent to them), with
a spread (sigma) of 0.35. The p95 and its 95% percentile-bootstrap interval (400 resamples)
are reported.

Every rate carries a 95% Wilson interval; the TPR gap (A minus B) carries Newcombe's hybrid
score interval built from the two Wilson intervals (Newcombe, Stat. Med. 1998, method 10).
Both come from statsmodels (``proportion_confint(method="wilson")`` and
``confint_proportions_2indep(compare="diff", method="newcomb")``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from fairlearn.postprocessing import ThresholdOptimizer
from fairlearn.reductions import ExponentiatedGradient, TruePositiveRateParity
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from . import make_rng
from .clinical import make_cohort, model_matrix

__all__ = ["OPTIONS", "Study", "wilson", "newcombe", "run_study", "options_table"]

OPTIONS = ("baseline", "constrained training", "group thresholds", "second reader")
"""The mitigations :func:`run_study` measures, in this order."""

LATENCY_MEDIAN = {"model": 0.02, "reader": 7200.0}
"""Median latency of each component, seconds (see the module docstring)."""


EG_EPS, EG_MAX_ITER = 0.01, 20
"""ExponentiatedGradient's constraint slack and iteration cap (see the module docstring)."""


def wilson(x: int, n: int) -> tuple[float, float]:
    """The 95% Wilson score interval for x successes in n trials (statsmodels), as floats."""
    if n <= 0:
        raise ValueError("a rate over no trials is undefined")
    low, high = proportion_confint(int(x), int(n), alpha=0.05, method="wilson")
    return float(low), float(high)


def newcombe(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float, float]:
    """p1 - p2 with Newcombe's hybrid score interval (method 10, statsmodels): (diff, low, high)."""
    if n1 <= 0 or n2 <= 0:
        raise ValueError("a rate over no trials is undefined")
    low, high = confint_proportions_2indep(int(x1), int(n1), int(x2), int(n2), compare="diff",
                                           method="newcomb", alpha=0.05)
    return float(x1 / n1 - x2 / n2), float(low), float(high)


@dataclass
class Study:
    """What :func:`run_study` measured: per option, per group, with intervals.

    groups: rows (option, group) with n, n_sick, tpr/fpr and their Wilson intervals.
    options: one row per option (see :func:`options_table`).
    decisions: option -> boolean decisions on the test split (for plots).
    test: the test split (a DataFrame with ``group``, ``y_true``, ``y``).
    thresholds: per group, ThresholdOptimizer's two thresholds on the baseline's score and
        the probability of each (``p0``/``threshold0``, ``p1``/``threshold1``).
    """

    groups: pd.DataFrame
    options: pd.DataFrame
    decisions: dict = field(repr=False)
    test: pd.DataFrame = field(repr=False)
    thresholds: dict = field(default_factory=dict)


def _pipeline():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


def _p95(t: np.ndarray, rng, resamples: int = 400) -> tuple[float, float, float]:
    boot = np.quantile(t[rng.integers(0, len(t), (resamples, len(t)))], 0.95, axis=1)
    lo, hi = np.quantile(boot, [0.025, 0.975])
    return float(np.quantile(t, 0.95)), float(lo), float(hi)


def run_study(n: int = 8000, *, seed: int | np.random.Generator | None = 20261128,
              band=(0.3, 0.6), reader_accuracy: float = 0.95, **cohort) -> Study:
    """Recompute m05's model and measure every option of :data:`OPTIONS` on the test split.

    n, seed: the cohort's size and seed (the split, the randomised predictions and the
        reader draw use the same seed).
    band: scores in [low, high) go to the second reader.
    cohort: passed on to :func:`course.data.clinical.make_cohort` (shares, underdiagnosis...).
    """
    if not (len(band) == 2 and 0 <= band[0] < band[1] <= 1):
        raise ValueError(f"band should be (low, high) with 0 <= low < high <= 1, not {band}")
    if not 0 <= reader_accuracy <= 1:
        raise ValueError(f"reader_accuracy should be in [0, 1], not {reader_accuracy}")
    if n < 400:
        raise ValueError(f"n={n} is too small to split 50/25/25 and measure per group")
    rng = make_rng(seed)
    data = make_cohort(n, seed=rng, **cohort)
    order = rng.permutation(n)
    a, b = n // 2, 3 * n // 4
    train, val, test = (data.iloc[idx].reset_index(drop=True)
                        for idx in (order[:a], order[a:b], order[b:]))
    X_train, X_val, X_test = (model_matrix(d) for d in (train, val, test))
    g_val, g_test = val["group"].to_numpy(), test["group"].to_numpy()
    base = _pipeline().fit(X_train, train["y"])
    s_base = base.predict_proba(X_test)[:, 1]
    truth = test["y_true"].to_numpy() == 1
    sent = (s_base >= band[0]) & (s_base < band[1])
    reader = np.where(rng.random(len(truth)) < reader_accuracy, truth, ~truth)
    model_time = rng.lognormal(np.log(LATENCY_MEDIAN["model"]), 0.35, len(truth))
    boot_rng_seed = int(rng.integers(2**31))
    reader_time = rng.lognormal(np.log(LATENCY_MEDIAN["reader"]), 0.35, len(truth))
    eg_seed, to_seed = (int(v) for v in rng.integers(2**31, size=2))

    # training-time: the reductions approach, on the recorded labels (Agarwal et al. 2018)
    eg = ExponentiatedGradient(_pipeline(), TruePositiveRateParity(), eps=EG_EPS,
                               max_iter=EG_MAX_ITER,
                               sample_weight_name="logisticregression__sample_weight")
    eg.fit(X_train, train["y"], sensitive_features=train["group"].to_numpy())
    # post-processing: equal opportunity on the reviewed validation truth (Hardt et al. 2016)
    to = ThresholdOptimizer(estimator=base, constraints="true_positive_rate_parity",
                            prefit=True, predict_method="predict_proba")
    to.fit(X_val, val["y_true"], sensitive_features=g_val)
    thresholds = {str(g): {"p0": float(r.p0), "threshold0": float(r.operation0.threshold),
                           "p1": float(r.p1), "threshold1": float(r.operation1.threshold)}
                  for g, r in to.interpolated_thresholder_.interpolation_dict.items()}
    decisions = {"baseline": s_base >= 0.5,
                 "constrained training": eg.predict(X_test, random_state=eg_seed) == 1,
                 "group thresholds": to.predict(X_test, sensitive_features=g_test,
                                                random_state=to_seed) == 1,
                 "second reader": np.where(sent, reader, s_base >= 0.5)}
    group_rows, option_rows = [], {}
    for name in OPTIONS:
        pred = decisions[name]
        per = {}
        for g in np.unique(g_test):
            k = g_test == g
            tp, n_sick = int((pred & truth & k).sum()), int((truth & k).sum())
            fp, n_well = int((pred & ~truth & k).sum()), int((~truth & k).sum())
            per[g] = (tp, n_sick)
            group_rows.append({"option": name, "group": str(g), "n": int(k.sum()),
                               "n_sick": n_sick, "tpr": tp / n_sick,
                               **dict(zip(("tpr_low", "tpr_high"), wilson(tp, n_sick))),
                               "fpr": fp / n_well,
                               **dict(zip(("fpr_low", "fpr_high"), wilson(fp, n_well)))})
        (ta, na), (tb, nb) = per["A"], per["B"]
        gap, glo, ghi = newcombe(ta, na, tb, nb)
        correct = int((pred == truth).sum())
        acc_lo, acc_hi = wilson(correct, len(truth))
        miss_b = nb - tb
        mb_lo, mb_hi = wilson(miss_b, nb)
        kb = g_test == "B"
        fp_b, well_b = int((pred & ~truth & kb).sum()), int((~truth & kb).sum())
        fb_lo, fb_hi = wilson(fp_b, well_b)
        to_reader = sent if name == "second reader" else np.zeros_like(sent)
        # the same bootstrap draws for every option: equal latencies get equal intervals
        p95, p_lo, p_hi = _p95(model_time + to_reader * reader_time,
                               np.random.default_rng(boot_rng_seed))
        option_rows[name] = {"accuracy": correct / len(truth), "accuracy_low": acc_lo,
                             "accuracy_high": acc_hi, "gap": gap, "gap_low": glo,
                             "gap_high": ghi, "miss_b": miss_b / nb, "miss_b_low": mb_lo,
                             "miss_b_high": mb_hi, "fpr_b": fp_b / well_b, "fpr_b_low": fb_lo,
                             "fpr_b_high": fb_hi, "latency": p95, "latency_low": p_lo,
                             "latency_high": p_hi}
    groups = pd.DataFrame(group_rows).set_index(["option", "group"])
    options = pd.DataFrame(option_rows).T
    options.index.name = "option"
    return Study(groups=groups, options=options, decisions=decisions, test=test,
                 thresholds=thresholds)


def options_table(study: Study) -> pd.DataFrame:
    """The options with their costs, each with its interval: a copy of ``study.options``.

    Columns: ``accuracy`` (against the truth), ``gap`` (TPR of A minus TPR of B),
    ``miss_b`` (the share of group B's sick patients the option misses: the residual risk),
    ``fpr_b`` (the share of group B's healthy patients it flags: B's false alarms),
    ``latency`` (the p95 latency per request, seconds); each with ``_low`` / ``_high``
    (95% intervals).
    """
    return study.options.copy()
