"""Clinical data for m05-disaggregated-debiasing: a synthetic cohort, a prediction stream,
and the NHEFS cohort that ships inside ``causaldata``.

The synthetic cohort (:func:`make_cohort`)
------------------------------------------
Each row is one patient. Everything is drawn from ``seed``; the truth is kept beside what a
hospital would record, so every mitigation can be scored against the truth and not only
against the biased labels. The planted mechanisms, each set per group:

1. **Under-representation** (``shares``): the minority group is a small share of rows.
2. **Label bias** (``underdiagnosis``): ``y_true`` is whether the patient has the disease;
   ``y`` is the recorded diagnosis. A true positive in group g is recorded as negative with
   probability ``underdiagnosis[g]`` (less access to a diagnosis). Negatives are recorded
   correctly.
3. **Measurement shift** (``spo2_shift``): ``spo2_true`` is the patient's oxygen saturation,
   ``spo2`` the device reading, which reads ``spo2_shift[g]`` points high in group g (as
   pulse oximeters overestimate saturation on darker skin; Sjoding et al., NEJM 2020). A
   high reading looks healthy, so the sick in that group look less sick.
4. **Cost as a proxy for need** (``access``): ``chronic_conditions`` is the patient's need
   for care; ``cost`` (next year's spending) and ``prior_cost`` are need times ``access[g]``
   times noise. An under-served group spends less at the same need (Obermeyer et al.,
   Science 2019).
5. **A proxy of the group** (``proxy_offset``): ``region_income`` is drawn around
   ``proxy_offset[g]`` and carries no information about disease beyond the group. A
   counterfactual "same patient, other group" moves it by the difference of offsets.

Disease raises age, systolic blood pressure, HbA1c and CRP and lowers oxygen saturation,
identically in every group: the truth is group-blind, only the recording is not.

Columns: ``group`` (str), ``age``, ``sbp``, ``hba1c``, ``crp``, ``spo2``, ``spo2_true``,
``region_income`` (floats), ``chronic_conditions``, ``prior_conditions`` (int: need this
year and last year), ``prior_cost``, ``cost`` (floats, dollars), ``y_true``, ``y`` (int 0/1).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from . import make_rng

FEATURES = ("age", "sbp", "hba1c", "crp", "spo2", "region_income")
"""Model inputs as a hospital would have them (``spo2`` is the device reading)."""

ATTRIBUTE = "group_b"
"""The name of the 0/1 group column :func:`model_matrix` adds for a two-group cohort."""


def _per_group(value, k: int, name: str) -> np.ndarray:
    arr = np.broadcast_to(np.asarray(value, dtype=float), (k,)) if np.ndim(value) == 0 \
        else np.asarray(value, dtype=float)
    if arr.shape != (k,):
        raise ValueError(f"{name} needs one value per group ({k}), got {len(arr)}")
    return arr.copy()


def make_cohort(n: int = 8000, *, seed=None, groups: Sequence[str] = ("A", "B"),
                shares=None, prevalence=0.3, underdiagnosis=None, spo2_shift=None,
                access=None, proxy_offset=None, exact_shares: bool = False) -> pd.DataFrame:
    """Draw a synthetic clinical cohort with the planted mechanisms of the module docstring.

    Parameters
    ----------
    n : int, number of patients.
    seed : int or numpy Generator.
    groups : names of the k groups.
    shares, prevalence, underdiagnosis, spo2_shift, access, proxy_offset : a number, or k
        numbers (one per group). ``shares`` must sum to 1 (default: 0.85 / 0.15 for two
        groups, equal shares otherwise). ``None`` for the last four plants the default
        bias on every group but the first: underdiagnosis 0.4, spo2_shift 1.0 points,
        access 0.5, proxy_offset -1.0 (the first group gets 0, 0, 1 and 0).
    exact_shares : if True, group sizes are exactly ``round(share * n)`` (last group takes
        the remainder) instead of a multinomial draw.

    Returns
    -------
    pandas.DataFrame of shape (n, 14), columns as in the module docstring.
    """
    rng = make_rng(seed)
    groups = [str(g) for g in groups]
    k = len(groups)
    if k == 0 or len(set(groups)) != k:
        raise ValueError("groups must be non-empty and distinct")
    if shares is None:
        shares = (0.85, 0.15) if k == 2 else np.full(k, 1 / k)

    def planted(value, base, biased):
        return np.r_[base, np.full(k - 1, biased)] if value is None else value

    underdiagnosis = planted(underdiagnosis, 0.0, 0.4)
    spo2_shift = planted(spo2_shift, 0.0, 1.0)
    access = planted(access, 1.0, 0.5)
    proxy_offset = planted(proxy_offset, 0.0, -1.0)
    shares = _per_group(shares, k, "shares")
    if np.any(shares < 0) or not np.isclose(shares.sum(), 1.0):
        raise ValueError("shares must be non-negative and sum to 1")
    prev = _per_group(prevalence, k, "prevalence")
    under = _per_group(underdiagnosis, k, "underdiagnosis")
    shift = _per_group(spo2_shift, k, "spo2_shift")
    acc = _per_group(access, k, "access")
    offset = _per_group(proxy_offset, k, "proxy_offset")

    if exact_shares:
        counts = np.round(shares * n).astype(int)
        counts[-1] = n - counts[:-1].sum()
        g = rng.permutation(np.repeat(np.arange(k), counts))
    else:
        g = rng.choice(k, size=n, p=shares)
    # a latent severity u; disease is u above a fixed cut, so the truth is group-blind and
    # a group's prevalence is set by the mean of its u
    from scipy.stats import norm
    cut = norm.ppf(0.7)
    u = rng.normal(cut - norm.ppf(1 - np.clip(prev[g], 1e-6, 1 - 1e-6)), 1.0)
    y_true = (u > cut).astype(int)
    age = np.clip(52 + 6 * u + rng.normal(0, 11, n), 18, 95)
    sbp = 126 + 8 * u + rng.normal(0, 12, n)
    hba1c = 5.8 + 0.6 * u + rng.normal(0, 0.5, n)
    crp = np.exp(0.7 + 0.5 * u + rng.normal(0, 0.7, n))
    spo2_true = np.clip(95.5 - 1.5 * u + rng.normal(0, 1.2, n), 80, 100)
    spo2 = np.clip(spo2_true + shift[g] + rng.normal(0, 0.5, n), 80, 100)
    region_income = rng.normal(offset[g], 1.0)
    chronic = rng.poisson(np.exp(0.2 + 0.7 * u))
    prior_conditions = rng.poisson(np.exp(0.2 + 0.7 * u))
    prior_cost = acc[g] * (800 + 2400 * prior_conditions) * np.exp(rng.normal(0, 0.5, n))
    cost = acc[g] * (800 + 2400 * chronic) * np.exp(rng.normal(0, 0.5, n))
    # milder cases are missed more often: the miss probability falls with severity and
    # averages under[g] over the group's true cases
    miss = np.zeros(n)
    for j in range(k):
        sick = (g == j) & (y_true == 1)
        if sick.any():
            w = np.exp(-1.5 * (u[sick] - cut))
            miss[sick] = np.clip(under[j] * w / w.mean(), 0, 1)
    y = y_true * (rng.random(n) >= miss)
    return pd.DataFrame({
        "group": np.asarray(groups, dtype=object)[g], "age": age, "sbp": sbp,
        "hba1c": hba1c, "crp": crp, "spo2": spo2, "spo2_true": spo2_true,
        "region_income": region_income, "chronic_conditions": chronic,
        "prior_conditions": prior_conditions,
        "prior_cost": prior_cost, "cost": cost, "y_true": y_true, "y": y.astype(int),
    })


def model_matrix(df: pd.DataFrame, *, minority: str = "B", attribute: bool = True) -> pd.DataFrame:
    """The model's inputs: ``FEATURES`` plus, if ``attribute``, a 0/1 column ``group_b``.

    df : a frame from :func:`make_cohort`. Returns a new DataFrame with the same index.
    """
    X = df[list(FEATURES)].copy()
    if attribute:
        X[ATTRIBUTE] = (df["group"] == minority).astype(int)
    return X


def proxy_offsets(offset_a: float = 0.0, offset_b: float = -1.0) -> dict:
    """The documented proxy shift, keyed by the value of ``group_b``: ``{column: {0: .., 1: ..}}``.

    A counterfactual that moves a patient from group value a to b adds
    ``offsets[b] - offsets[a]`` to each proxy column.
    """
    return {"region_income": {0: float(offset_a), 1: float(offset_b)}}


def prediction_stream(n_batches: int = 60, batch_size: int = 400, *, seed=None,
                      groups: Sequence[str] = ("A", "B", "C"), shares=(0.6, 0.25, 0.15),
                      prevalence=0.3, tpr=0.8, fpr=0.1, drift_at: int | None = None,
                      drift_group: str | None = None, drift_tpr: float | None = None,
                      underdiagnosis=0.0, labels: str = "true"):
    """A stream of scored batches from a deployed model, for the disparity monitor.

    Each batch has ``batch_size`` patients; a patient's group is drawn from ``shares``, the
    truth from ``prevalence`` and the decision from the group's ``tpr`` (positives) or
    ``fpr`` (negatives). From batch ``drift_at`` on, ``drift_group``'s TPR becomes
    ``drift_tpr`` (e.g. a new oximeter model on one ward). With ``drift_at=None`` every
    group has the same TPR and FPR throughout: any alarm is a false alarm.

    ``labels="recorded"`` returns the outcome a hospital would record instead of the truth,
    for the same patients and decisions (the same ``seed`` gives the same stream either
    way): a sick patient the model flagged is tested and recorded as sick; a sick patient
    it did not flag is recorded as healthy with probability ``underdiagnosis[g]`` (nobody
    ordered the test; one number or one per group). Recorded labels make a group's missed
    cases disappear from its positives, so its recorded TPR is higher than its true TPR.

    Returns a list of ``n_batches`` tuples ``(y_true, y_pred, groups)`` of numpy arrays of
    length ``batch_size`` (int, int, str); with ``labels="recorded"`` the first array is
    the recorded outcome.
    """
    rng = make_rng(seed)
    groups = [str(g) for g in groups]
    k = len(groups)
    shares = _per_group(shares, k, "shares")
    prev = _per_group(prevalence, k, "prevalence")
    tprs = _per_group(tpr, k, "tpr")
    fprs = _per_group(fpr, k, "fpr")
    if drift_at is not None and (drift_group not in groups or drift_tpr is None):
        raise ValueError("drift needs drift_group (one of groups) and drift_tpr")
    under = _per_group(underdiagnosis, k, "underdiagnosis")
    if labels not in ("true", "recorded"):
        raise ValueError(f"labels must be 'true' or 'recorded', not {labels!r}")
    # the recording draws come from a child generator, so the patients and decisions are
    # the same whichever labels are returned
    record_rng = rng.spawn(1)[0] if labels == "recorded" else None
    names = np.asarray(groups, dtype=object)
    out = []
    for b in range(n_batches):
        t = tprs.copy()
        if drift_at is not None and b >= drift_at:
            t[groups.index(drift_group)] = drift_tpr
        g = rng.choice(k, size=batch_size, p=shares / shares.sum())
        y = (rng.random(batch_size) < prev[g]).astype(int)
        p = np.where(y == 1, t[g], fprs[g])
        pred = (rng.random(batch_size) < p).astype(int)
        if record_rng is not None:
            missed = (y == 1) & (pred == 0) & (record_rng.random(batch_size) < under[g])
            y = np.where(missed, 0, y)
        out.append((y, pred, names[g].astype(str)))
    return out


NHEFS_FEATURES = ("age", "female", "black_or_other", "smokeintensity", "smokeyrs", "wt71",
                  "education", "exercise", "active", "qsmk")
"""Baseline (1971) covariates used to predict death by 1992 in NHEFS."""


def load_nhefs() -> pd.DataFrame:
    """NHEFS (NHANES I Epidemiologic Follow-up Study, as cleaned by Hernan and Robins).

    Loaded offline from the ``causaldata`` package: 1,629 adult smokers examined in 1971-75
    and followed to 1992. Returns a DataFrame with ``NHEFS_FEATURES`` (numeric), ``sex``
    ("male" / "female"), ``race`` ("white" / "black or other") and ``death`` (int 0/1,
    died by 1992; about 20%). The source codes sex 1 = female and race 1 = black or other.
    """
    from causaldata import nhefs

    raw = nhefs.load_pandas().data
    df = pd.DataFrame({
        "age": raw["age"].astype(float),
        "female": raw["sex"].astype(int),
        "black_or_other": raw["race"].astype(int),
        "smokeintensity": raw["smokeintensity"].astype(float),
        "smokeyrs": raw["smokeyrs"].astype(float),
        "wt71": raw["wt71"].astype(float),
        "education": raw["education"].astype(float),
        "exercise": raw["exercise"].astype(float),
        "active": raw["active"].astype(float),
        "qsmk": raw["qsmk"].astype(float),
    })
    df["sex"] = np.where(df["female"] == 1, "female", "male")
    df["race"] = np.where(df["black_or_other"] == 1, "black or other", "white")
    df["death"] = raw["death"].astype(int)
    return df
