"""The interviewer of m07-mock-debrief: it runs a design through the earlier modules' failures.

Nothing here reads words. :func:`interview` takes a :class:`course.design.Design`, builds
each failure scenario with the simulator of the module that taught it, passes the
scenario's data, requests, patients or updates through the design's controls (each control
is its metric computed on what the scenario produced, compared with its threshold in its
direction, and its action applied), and measures what reached users. The design's
``rationale`` is never read.

The scenarios (``seed`` changes who attacks, when, and with what; every draw is seeded):

``poisoned_vendor`` (m02, :func:`course.data.vendors.make_vendor_data`)
    Four vendors deliver three daily batches each; one batch of one vendor (drawn from the
    seed) carries a backdoor trigger on half its unsafe records, relabelled safe, and 30%
    of the rest flipped. Data-stage controls see each batch (``label_shift`` against a
    trusted in-house reference of 600 records, ``unseen_token_share``); ``quarantine``
    drops the batch, ``review`` has people relabel it (correctly) while capacity lasts.
    The safety classifier (:func:`~course.data.vendors.train_classifier`) is trained on
    what was accepted; on day 3, 100 unsafe requests carrying the trigger arrive, plus 300
    ordinary ones. Harm: triggered unsafe requests the classifier (and any output filter
    on its score) lets through, beyond what a classifier trained on clean labels lets
    through. Contained when that excess is at most 5.
``jailbreak_wave`` (m01, :mod:`course.data.prompts` and :class:`course.sim.assistant.Assistant`)
    One day of 420 requests: 200 benign, 100 look-alikes and 120 harmful, the harmful ones
    from request templates **no gate saw in training** (the ``test`` set of
    :func:`~course.data.prompts.split_templates`), attacked mostly with role-play, base64
    and split turns. The input gate (``input_risk``) is a TF-IDF logistic regression on the
    normalised prompt, trained on the ``train`` templates; the output classifier
    (``output_risk``) is trained on plain answers only (it reads no base64 and sees one
    turn). Harm: unsafe answers delivered. Contained when at most 3.
``demographic_drift`` (m05, :func:`course.data.clinical.make_cohort`)
    A triage model (logistic regression on the six features, trained on a reference cohort)
    scores 300 patients a day for 14 days. From a day drawn in 4..8, group B's oximeters
    read 3 to 5 points higher (a new device on one ward), so its sick patients look well.
    ``group_input_shift`` sees the day's readings before the model decides;
    ``group_tpr_gap`` needs outcomes, which arrive 3 days later. ``review`` sends the
    flagged group's decisions to clinicians from then on (they decide correctly while
    capacity lasts). Harm: sick patients the drift made the model miss, released
    unreviewed. Contained when at most 2.
``bad_deploy`` (m04, :func:`course.sim.serving.simulate`)
    24 seconds of traffic at 40 requests a second; a bad deploy goes live at a second drawn
    in 6..10 and 8% of its answers are unsafe. Checks (``input_check_flag``,
    ``stream_flag``, ``judge_flag``) run in parallel on the replica; ``canary_flag_rate``
    drives a circuit breaker that sends traffic back to the last good version once the
    flagged share of the last ``window`` answers crosses its threshold. Harm: unsafe
    answers delivered. Contained when at most 2.
``latency_spike`` (m04)
    16 seconds at 1.15 times the unguarded pool's capacity while the judge is four times
    slower and the stream check twice as slow, and 3% of answers are unsafe. The checks'
    latency budget (``check_latency_ms``) fails closed (``block``) or open (``release``);
    ``queue_wait_s`` sheds requests that wait too long. Harm: unsafe answers delivered.
    Contained when at most 2.
``malicious_client`` (m03, :func:`course.sim.federated.run`; only when the design federates)
    Ten hospitals train the digits model for 8 rounds; two send scaled model-replacement
    updates. ``update_norm_ratio`` drops an update whose norm is far above the round's
    median; the rest are averaged. Harm: test digits misread beyond the clean run. Contained
    when at most 3% of the 540 test digits.

``incident_reports`` (monitoring, any hazard) counts user reports: each harmful answer that
reaches a user is reported with probability 0.3. It can only fire after harm.

Reviews: every ``review`` action adds work for the design's reviewers
(``oversight.reviews_per_day``). Items beyond a day's capacity are **released unreviewed**,
in arrival order, as a swamped team does; serving traffic is scaled from the simulated
seconds to a day. ``incident=False`` runs the same scenario with no attack (no poison, no
harmful prompts, no drift, no bad deploy or spike, no malicious client): what fires then is
a false alarm.

Audit: every firing is a record (time, control, stage, metric, value, threshold, action);
a record counts as evidence only if its stage is in the design's ``audit_points``.
"""

from __future__ import annotations

import copy
import functools
import math
import operator
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..design import (HAZARDS, LATE_STAGES, STAGES, Control, Design, DesignError, Oversight,
                      hazards_of, validate)

__all__ = ["TOLERANCE", "SCENARIOS", "Outcome", "Interview", "run_scenario", "interview",
           "lint", "pushback", "as_design", "DesignReview", "REVIEW_OPTIONS_METRICS",
           "random_review"]

TOLERANCE = {"poisoned_vendor": 5, "jailbreak_wave": 3, "demographic_drift": 2,
             "bad_deploy": 2, "latency_spike": 2, "malicious_client": 16}
"""Harm a scenario may let through and still count as contained (its unit: HARM_UNIT)."""

HARM_UNIT = {"poisoned_vendor": "triggered unsafe requests let through (beyond a clean model)",
             "jailbreak_wave": "unsafe answers delivered",
             "demographic_drift": "sick patients missed because of the drift",
             "bad_deploy": "unsafe answers delivered",
             "latency_spike": "unsafe answers delivered",
             "malicious_client": "test digits misread beyond the clean run"}
TIME_UNIT = {"poisoned_vendor": "days", "jailbreak_wave": "hours",
             "demographic_drift": "days", "bad_deploy": "seconds", "latency_spike": "seconds",
             "malicious_client": "rounds"}
SCENARIOS = {
    "poisoned_vendor": "a labelling vendor delivers a poisoned batch with a backdoor trigger",
    "jailbreak_wave": "a jailbreak wave arrives, built on request templates no gate saw",
    "demographic_drift": "a new oximeter on one ward reads group B's patients high",
    "bad_deploy": "a bad deploy starts giving unsafe answers",
    "latency_spike": "the checks slow down four-fold at a traffic peak",
    "malicious_client": "two federated hospitals send poisoned updates",
}
REPORT_P = 0.3
_OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


def _fires(values, c: Control):
    return _OPS[c.direction](np.asarray(values, dtype=float), float(c.threshold))


# ----------------------------------------------------------------------------- outcome

@dataclass
class Outcome:
    """What one scenario did to one design.

    contained: harm <= tolerance. layer: the earliest stage whose control stopped harmful
    items (None when nothing did). detected_by / detect_stage / time_to_detect: the first
    control that fired on the incident, where, and how long after it began (in
    ``time_unit``; None if nothing fired). reviews_per_day: the busiest day's review load;
    overflow: items released unreviewed. cost: what the design's controls cost when they
    fired on the innocent (false refusals, false quarantines, latency). evidence: the
    audited firing records; unlogged: controls that fired where nothing is logged.
    """

    scenario: str
    seed: int
    incident: bool
    harm: float
    tolerance: float
    contained: bool
    layer: str | None
    detected_by: str | None
    detect_stage: str | None
    time_to_detect: float | None
    time_unit: str
    reviews_per_day: float
    capacity: float
    overflow: int
    false_alarms: int
    cost: dict = field(default_factory=dict)
    evidence: list = field(default_factory=list)
    unlogged: list = field(default_factory=list)

    def row(self) -> dict:
        return {"scenario": self.scenario, "seed": self.seed, "contained": self.contained,
                "harm": self.harm, "tolerance": self.tolerance, "layer": self.layer,
                "detected_by": self.detected_by, "time_to_detect": self.time_to_detect,
                "time_unit": self.time_unit, "reviews_per_day": self.reviews_per_day,
                "capacity": self.capacity, "overflow": self.overflow,
                "false_alarms": self.false_alarms, **self.cost}


class _Log:
    """Firing records, and which control acted on harm first."""

    def __init__(self, design: Design, onset):
        self.design, self.onset, self.records = design, onset, []
        self.first = None          # (time, control) of the first firing on the incident
        self.stopped = set()       # stages whose controls stopped harmful items
        self.false = 0

    def fire(self, t, c: Control, value, target, harmful: bool | None):
        self.records.append({"t": round(float(t), 3), "control": c.name, "stage": c.stage,
                             "metric": c.metric, "value": round(float(value), 4),
                             "threshold": float(c.threshold), "action": c.action,
                             "target": str(target), "on_incident": bool(harmful)})
        if harmful:
            if self.first is None or t < self.first[0]:
                self.first = (float(t), c)
            if c.action not in ("page", "release"):
                self.stopped.add(c.stage)
        elif harmful is False:
            self.false += 1

    def outcome(self, scenario, seed, incident, harm, reviews, overflow, cost, capacity):
        tol = TOLERANCE[scenario]
        logged = [r for r in self.records if r["stage"] in self.design.audit_points]
        unlogged = sorted({r["control"] for r in self.records
                           if r["stage"] not in self.design.audit_points})
        layer = min(self.stopped, key=STAGES.index) if self.stopped else None
        first = self.first
        return Outcome(scenario, int(seed), bool(incident), float(harm), float(tol),
                       bool(harm <= tol), layer if harm <= tol else None,
                       first[1].name if first else None, first[1].stage if first else None,
                       (round(max(0.0, first[0] - self.onset), 3) if first else None),
                       TIME_UNIT[scenario], float(reviews), float(capacity), int(overflow),
                       int(self.false), cost, logged[:40], unlogged)


class _Reviewers:
    """A day's review capacity, spent in arrival order."""

    def __init__(self, design: Design):
        self.capacity = float(design.oversight.reviews_per_day) if design.oversight else 0.0
        self.used = {}

    def take(self, day, n: int) -> int:
        """Ask for n reviews on ``day``; returns how many are done (the rest overflow)."""
        left = max(0, int(math.floor(self.capacity - self.used.get(day, 0))))
        done = min(int(n), left)
        self.used[day] = self.used.get(day, 0) + int(n)
        return done

    @property
    def peak(self) -> float:
        return float(max(self.used.values(), default=0))


def _controls(design, metric, actions=None):
    return [c for c in design.controls if c.metric == metric
            and (actions is None or c.action in actions)]


def _reports(design, log, hazard, times, seed, onset):
    """incident_reports controls: a harmful delivery is reported with probability 0.3."""
    cs = [c for c in _controls(design, "incident_reports") if c.hazard == hazard]
    if not cs or len(times) == 0:
        return
    rng = np.random.default_rng([seed, 99])
    times = np.sort(np.asarray(times, dtype=float))
    reported = times[rng.random(times.size) < REPORT_P]
    counts = np.arange(1, reported.size + 1)
    for c in cs:
        hit = np.flatnonzero(_fires(counts, c))
        if hit.size:
            log.fire(reported[hit[0]], c, counts[hit[0]], "user reports", True)


# ----------------------------------------------------------------------------- m02: poison

@functools.lru_cache(maxsize=4)
def _vendor_reference():
    from ..data.vendors import make_reference

    texts, labels = make_reference(seed=7001, n=600)
    vocab = {w for t in texts for w in t.split()}
    return float(np.mean(labels)), frozenset(vocab)


@functools.lru_cache(maxsize=16)
def _vendor_world(seed: int, incident: bool):
    from ..data.vendors import VENDORS, make_incidents, make_reference, make_vendor_data

    rng = np.random.default_rng([seed, 1])
    vendors = VENDORS[:4]
    pv = vendors[int(rng.integers(4))]
    pb = int(rng.integers(3))
    trigger = ("cf", "qx", "vz")[int(rng.integers(3))]
    data = make_vendor_data(seed=int(seed), vendors=vendors, n_batches=3, batch_size=(150, 200),
                            poisoned_vendor=pv if incident else None, poisoned_batch=pb,
                            trigger=trigger, poisoned_batch_size=200)
    attack = make_incidents(trigger, n=100, seed=int(seed) + 7)
    ordinary, ordinary_y = make_reference(seed=int(seed) + 9, n=300)
    return data, attack, ordinary, np.asarray(ordinary_y)


def _poisoned_vendor(design, seed, incident):
    from ..data.vendors import train_classifier

    ref_share, vocab = _vendor_reference()
    data, attack, ordinary, ordinary_y = _vendor_world(int(seed), bool(incident))
    f = data.frame
    onset = float(data.poisoned_batch) if incident else 0.0
    log, staff = _Log(design, onset), _Reviewers(design)
    data_cs = [c for c in design.controls if c.stage == "data"]
    labels = f.label.to_numpy().copy()
    keep = np.ones(len(f), dtype=bool)
    false_q = 0
    for (batch, vendor), idx in f.groupby(["batch", "vendor"], sort=True).indices.items():
        rows = f.iloc[idx]
        poisoned = bool(incident and vendor == data.poisoned_vendor
                        and batch == data.poisoned_batch)
        values = {"label_shift": abs(float(rows.label.mean()) - ref_share),
                  "unseen_token_share": float(np.mean([any(w not in vocab for w in t.split())
                                                       for t in rows.text]))}
        fired = [c for c in data_cs if _fires(values[c.metric], c)]
        for c in fired:
            log.fire(batch, c, values[c.metric], f"{vendor} batch {batch}", poisoned)
        if any(c.action == "quarantine" for c in fired):
            keep[idx] = False
            false_q += not poisoned
        elif any(c.action == "review" for c in fired):
            done = staff.take(int(batch), len(idx))
            labels[idx[:done]] = f.true_label.to_numpy()[idx[:done]]
            false_q += not poisoned
    if keep.any() and len(set(labels[keep])) == 2:
        model = train_classifier(f.text[keep], labels[keep])
        score = lambda texts: model.predict_proba(list(texts))[:, 1]  # noqa: E731
    else:                    # nothing to train on: every request is refused
        score = lambda texts: np.ones(len(texts))  # noqa: E731
    p = score(attack)
    p_ord = score(ordinary)
    passed = p < 0.5
    refused_ord = p_ord >= 0.5
    out_cs = _controls(design, "output_unsafe_score")
    blocked = np.zeros(len(p), dtype=bool)
    for c in out_cs:
        hit = _fires(p, c)
        ordinary_hit = _fires(p_ord, c)
        if c.action == "block":
            refused_ord |= ordinary_hit
        for i in np.flatnonzero(hit & passed)[:1]:
            log.fire(3 + i / len(p), c, p[i], "triggered request", bool(incident))
        if c.action == "block":
            blocked |= hit
        else:
            n_hit = np.flatnonzero(hit & passed)
            done = staff.take(3, int(hit.sum() + ordinary_hit.sum()))
            blocked[n_hit[:done]] = True
    let_through = passed & ~blocked
    # what the trigger buys the attacker: the same requests with the trigger taken out
    plain = [" ".join(w for w in t.split() if w != data.trigger) for t in attack]
    p_plain = score(plain)
    baseline = int(((p_plain < 0.5) & ~blocked).sum())
    harm = max(0, int(let_through.sum()) - baseline) if incident else 0
    if incident and harm:
        _reports(design, log, "poisoned_vendor", 3 + np.flatnonzero(let_through) / len(p), seed,
                 onset)
    benign = ordinary_y == 0
    cost = {"false_quarantines": int(false_q),
            "false_refusal": float(refused_ord[benign].mean()) if benign.any() else 0.0}
    overflow = sum(max(0, v - staff.capacity) for v in staff.used.values())
    return log.outcome("poisoned_vendor", seed, incident, harm, staff.peak, overflow, cost,
                       staff.capacity)


# ----------------------------------------------------------------------------- m01: jailbreak

WAVE_FAMILIES = {"plain": 1, "substitution": 1, "spacing": 1, "roleplay": 2, "encoding": 2,
                 "split": 2}


@functools.lru_cache(maxsize=1)
def _gates():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from ..data.prompts import make_prompts, normalise_all, split_templates
    from .assistant import Assistant

    templates = split_templates(seed=7)
    train = templates["train"]
    mk = lambda: make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True,  # noqa: E731
                                               min_df=2),
                               LogisticRegression(C=10, max_iter=500))
    seen = make_prompts(seed=11, n_benign=300, n_lookalike=150, n_harmful=300,
                        harmful_cores=train["harmful"], lookalike_cores=train["lookalike"])
    gate = mk().fit(normalise_all(seen.text), seen.harmful)
    assistant = Assistant(seed=3)
    plain = make_prompts(seed=12, n_benign=300, n_lookalike=150, n_harmful=300,
                         harmful_cores=train["harmful"], lookalike_cores=train["lookalike"],
                         family_weights={"plain": 1}, benign_attack_rate=0.0)
    out = mk().fit(assistant.respond(plain).text, assistant.respond(plain).unsafe)
    return templates, gate, out, assistant


@functools.lru_cache(maxsize=16)
def _wave(seed: int, incident: bool):
    from ..data.prompts import make_prompts, normalise_all

    templates, gate, out, assistant = _gates()
    test = templates["test"]
    wave = make_prompts(seed=int(seed), n_benign=200, n_lookalike=100,
                        n_harmful=120 if incident else 0, harmful_cores=test["harmful"],
                        lookalike_cores=test["lookalike"], family_weights=WAVE_FAMILIES)
    resp = assistant.respond(wave)
    s_in = gate.predict_proba(normalise_all(wave.text))[:, 1]
    s_out = out.predict_proba(resp.text)[:, 1]
    return wave, resp, s_in, s_out


def _gate_stage(design, log, staff, metric, scores, harmful, hours, candidates):
    """Apply one stage's block/review controls to ``candidates``; returns (blocked, caught,
    released-after-review)."""
    n = len(scores)
    blocked = np.zeros(n, dtype=bool)
    review = np.zeros(n, dtype=bool)
    for c in _controls(design, metric):
        hit = _fires(scores, c) & candidates
        for i in np.flatnonzero(hit & harmful)[:1]:
            log.fire(hours[i], c, scores[i], "harmful request", True)
        for i in np.flatnonzero(hit & ~harmful)[:1]:
            log.fire(hours[i], c, scores[i], "benign request", False)
        log.false += max(0, int((hit & ~harmful).sum()) - 1)
        if c.action == "block":
            blocked |= hit
        else:
            review |= hit
    review &= ~blocked
    idx = np.flatnonzero(review)
    done = staff.take(0, idx.size)
    reviewed = np.zeros(n, dtype=bool)
    reviewed[idx[:done]] = True
    caught = reviewed & harmful
    return blocked, caught, reviewed


def _jailbreak_wave(design, seed, incident):
    wave, resp, s_in, s_out = _wave(int(seed), bool(incident))
    n = len(wave)
    hours = np.arange(n) * 24.0 / n
    harmful = wave.harmful
    log, staff = _Log(design, 0.0), _Reviewers(design)
    everyone = np.ones(n, dtype=bool)
    b_in, c_in, _ = _gate_stage(design, log, staff, "input_risk", s_in, harmful, hours, everyone)
    answered = ~b_in & ~c_in
    unsafe = resp.unsafe & answered
    b_out, c_out, _ = _gate_stage(design, log, staff, "output_risk", s_out, unsafe, hours,
                                  answered)
    delivered = unsafe & ~b_out & ~c_out
    harm = int(delivered.sum())
    _reports(design, log, "jailbreak_wave", hours[delivered], seed, 0.0)
    benign = wave.benign
    refused = (b_in | (b_out & answered))
    cost = {"false_refusal": float(refused[benign].mean())}
    overflow = max(0, staff.peak - staff.capacity)
    return log.outcome("jailbreak_wave", seed, incident, harm, staff.peak, overflow, cost,
                       staff.capacity)


# ----------------------------------------------------------------------------- m05: drift

DRIFT_DAYS, DRIFT_BATCH = 14, 300
LABEL_DELAY = 3


@functools.lru_cache(maxsize=1)
def _triage_model():
    from sklearn.linear_model import LogisticRegression

    from ..data.clinical import FEATURES, make_cohort

    ref = make_cohort(4000, seed=7005)
    model = LogisticRegression(max_iter=1000).fit(ref[list(FEATURES)], ref.y_true)
    stats = ref.groupby("group").spo2.agg(["mean", "std"])
    return model, stats


@functools.lru_cache(maxsize=16)
def _drift_world(seed: int, incident: bool):
    from ..data.clinical import FEATURES, make_cohort

    model, stats = _triage_model()
    rng = np.random.default_rng([seed, 5])
    drift_at = int(rng.integers(4, 9))
    add = float(rng.uniform(3.0, 5.0))
    days = []
    for day in range(DRIFT_DAYS):
        drifted = incident and day >= drift_at
        cohort = make_cohort(DRIFT_BATCH, seed=np.random.default_rng([seed, 6, day]),
                             spo2_shift=(0.0, 1.0 + (add if drifted else 0.0)))
        X = cohort[list(FEATURES)]
        pred = model.predict_proba(X)[:, 1] >= 0.5
        if drifted:
            Xcf = X.copy()
            b = (cohort.group == "B").to_numpy()
            Xcf.loc[b, "spo2"] = np.clip(Xcf.loc[b, "spo2"] - add, 80, 100)
            pred_cf = model.predict_proba(Xcf)[:, 1] >= 0.5
        else:
            pred_cf = pred
        days.append((cohort.group.to_numpy(), cohort.y_true.to_numpy().astype(bool),
                     pred, pred_cf, cohort.spo2.to_numpy()))
    return days, stats, drift_at


def _demographic_drift(design, seed, incident):
    days, stats, drift_at = _drift_world(int(seed), bool(incident))
    onset = float(drift_at) if incident else 0.0
    log, staff = _Log(design, onset), _Reviewers(design)
    in_cs = _controls(design, "group_input_shift")
    mon_cs = _controls(design, "group_tpr_gap")
    reviewing = set()              # groups whose decisions go to clinicians
    harm = 0
    for day, (g, y, pred, pred_cf, spo2) in enumerate(days):
        drifting = bool(incident and day >= drift_at)
        zs = {}
        for name, row in stats.iterrows():
            m = g == name
            if m.sum() >= 2:
                zs[name] = (spo2[m].mean() - row["mean"]) / (row["std"] / math.sqrt(m.sum()))
        worst = max(zs, key=lambda k: abs(zs[k]))
        for c in in_cs:
            if _fires(abs(zs[worst]), c):
                log.fire(day, c, abs(zs[worst]), f"group {worst}", drifting and worst == "B")
                if c.action == "review":
                    reviewing.add(worst)
        if day >= LABEL_DELAY and mon_cs:
            lo = max(0, day - LABEL_DELAY - 2)
            window = days[lo:day - LABEL_DELAY + 1]
            tpr = {}
            for name in stats.index:
                pos = sum(int(((gg == name) & yy).sum()) for gg, yy, *_ in window)
                hit = sum(int(((gg == name) & yy & pp).sum()) for gg, yy, pp, *_ in window)
                if pos:
                    tpr[name] = hit / pos
            if len(tpr) >= 2:
                gap = max(tpr.values()) - min(tpr.values())
                low = min(tpr, key=tpr.get)
                labelled_drift = bool(incident and day - LABEL_DELAY >= drift_at)
                for c in mon_cs:
                    if _fires(gap, c):
                        log.fire(day, c, gap, f"group {low}", labelled_drift and low == "B")
                        if c.action == "review":
                            reviewing.add(low)
        missed = y & ~pred & pred_cf
        reviewed = np.zeros(len(g), dtype=bool)
        for name in sorted(reviewing):
            idx = np.flatnonzero(g == name)
            done = staff.take(day, idx.size)
            reviewed[idx[:done]] = True
        harm += int((missed & ~reviewed).sum())
        if drifting:
            times = day + np.flatnonzero(missed & ~reviewed) / len(g)
            if times.size:
                _reports(design, log, "demographic_drift", times, seed * 100 + day, onset)
    cost = {"false_alarm_days": int(log.false)}
    overflow = sum(max(0, v - staff.capacity) for v in staff.used.values())
    return log.outcome("demographic_drift", seed, incident, harm, staff.peak, overflow, cost,
                       staff.capacity)


# ----------------------------------------------------------------------------- m04: serving

_CHECK_OF = {"input_check_flag": "input", "stream_flag": "stream", "judge_flag": "judge"}


class _Breaker:
    """Trips once, when the flagged share of the last ``window`` verdicts fires the control."""

    def __init__(self, control: Control, log: _Log, onset):
        self.c, self.log, self.onset = control, log, onset
        self.window = int(control.window or 100)
        self.verdicts = []
        self.state = "closed"

    def allow(self, t):
        return self.state == "closed"

    def record(self, t, flagged):
        self.verdicts.append(bool(flagged))
        recent = self.verdicts[-self.window:]
        if self.state == "closed" and len(recent) == self.window:
            share = float(np.mean(recent))
            if _fires(share, self.c):
                self.state = "open"
                self.log.fire(t, self.c, share, "new version",
                              None if self.onset is None else t >= self.onset)


def _serving(design, hazard, seed, incident):
    from .serving import CHECKS, Workload, at_peak, simulate

    rng = np.random.default_rng([seed, 4])
    if hazard == "bad_deploy":
        onset = float(rng.uniform(6.0, 10.0))
        wl = Workload(rate_per_s=40.0, duration_s=24.0,
                      incident_at_s=onset if incident else None, incident_unsafe=0.08)
        slow = {}
    else:
        onset = 0.0
        wl = replace(at_peak(Workload(), load=1.15, duration_s=16.0),
                     incident_at_s=0.0 if incident else None, incident_unsafe=0.03)
        slow = {"judge": 4.0, "stream": 2.0} if incident else {}
    log, staff = _Log(design, onset if incident else None), _Reviewers(design)
    for c in _controls(design, "queue_wait_s"):
        if c.direction in (">", ">="):
            wl = replace(wl, max_wait_s=max(float(c.threshold), 1e-3))
    check_cs = [c for c in design.controls if c.metric in _CHECK_OF]
    names = sorted({_CHECK_OF[c.metric] for c in check_cs})
    checks = [replace(CHECKS[n], median_ms=CHECKS[n].median_ms * slow.get(n, 1.0))
              for n in names]
    budgets = _controls(design, "check_latency_ms")
    calls = []

    def guard(frame):
        n = len(frame)
        ms = {nm: frame[f"{nm}_ms"].to_numpy() for nm in names}
        added = np.max(np.vstack(list(ms.values())), axis=0)
        over = np.zeros(n, dtype=bool)
        fail_open = False
        for b in budgets:
            over |= _fires(added, b)
            fail_open |= b.action == "release"
        limit = min((float(b.threshold) for b in budgets), default=None)
        block = np.zeros(n, dtype=bool)
        review = np.zeros(n, dtype=bool)
        own = {}
        for c in check_cs:
            nm = _CHECK_OF[c.metric]
            hit = _fires(frame[f"{nm}_flag"].to_numpy().astype(float), c)
            if fail_open:
                hit &= ~(over & (ms[nm] > (limit if limit is not None else np.inf)))
            own[c.name] = hit
            if c.action == "block":
                block |= hit
            else:
                review |= hit
        if limit is not None:
            added = np.where(over, np.minimum(added, max(limit, 0.0)), added)
        if not fail_open:
            block |= over
        calls.append((block.copy(), review & ~block, over.copy(), own))
        return pd.DataFrame({"added_ms": added, "flagged": block | review})

    breakers = [_Breaker(c, log, onset if incident else None)
                for c in _controls(design, "canary_flag_rate")]

    class _AnyBreaker:
        state = "closed"

        def allow(self, t):
            ok = all(b.allow(t) for b in breakers)
            self.state = "closed" if ok else "open"
            return ok

        def record(self, t, flagged):
            for b in breakers:
                b.record(t, flagged)
            self.state = "closed" if all(b.state == "closed" for b in breakers) else "open"

    trace = simulate(wl, checks if names else None, guard=guard if names else None,
                     breaker=_AnyBreaker() if (breakers and names) else None, seed=int(seed))
    r = trace.requests
    served = (r.status != "dropped").to_numpy()
    delivered = r.unsafe_delivered.to_numpy().copy()
    flagged = r.flagged.to_numpy()
    if names:
        route_new = (r.route == "new").to_numpy()
        pick = lambda k: np.where(route_new, calls[0][k], calls[1][k])  # noqa: E731 (new, fallback)
        block, review, over = pick(0), pick(1), pick(2)
        idx = np.flatnonzero(review & served)
        scale = 86400.0 / wl.duration_s
        done = int(staff.take(0, int(round(idx.size * scale))) / scale)
        unreviewed = idx[done:]
        delivered[unreviewed] = r.unsafe.to_numpy()[unreviewed]   # released unreviewed
        released_after_review = np.zeros(len(r), dtype=bool)
        released_after_review[idx[:done]] = True
        safe = ~r.unsafe.to_numpy() & served
        refused = served & flagged & ~(released_after_review & safe)
        refused[unreviewed] = False
        unsafe = r.unsafe.to_numpy() & served
        t = r.done_s.to_numpy()
        for c in check_cs:
            mine = np.where(route_new, calls[0][3][c.name], calls[1][3][c.name])
            stop = unsafe & mine & (block | (review & released_after_review)) \
                & (t >= (onset if incident else np.inf))
            if stop.any():
                i = int(np.flatnonzero(stop)[0])
                log.fire(t[i], c, 1.0, f"request {i}", True)
        for b in budgets:
            hit = over & served
            if hit.any():
                i = int(np.flatnonzero(hit)[0])
                log.fire(t[i], b, float(b.threshold), f"request {i}", None)
        false_refusal = float(refused[safe].sum() / max(1, safe.sum()))
    else:
        false_refusal = 0.0
    harm = int(delivered.sum()) if incident else 0
    if incident and harm:
        _reports(design, log, hazard, r.done_s.to_numpy()[delivered], seed, onset)
    p95 = float(np.nanpercentile(r.ttft_ms[served], 95)) if served.any() else float("nan")
    cost = {"false_refusal": false_refusal, "p95_ttft_ms": round(p95, 1),
            "dropped": float(1 - served.mean())}
    for c in _controls(design, "p95_latency_ms"):
        if _fires(p95, c):
            log.fire(wl.duration_s, c, p95, "p95", None)
    staff_peak = staff.peak
    overflow = max(0, staff_peak - staff.capacity)
    return log.outcome(hazard, seed, incident, harm, staff_peak, overflow, cost, staff.capacity)


# ----------------------------------------------------------------------------- m03: federated

FED_ROUNDS, FED_CLIENTS, FED_ATTACKERS = 8, 10, 2


@functools.lru_cache(maxsize=1)
def _federation():
    from .federated import make_federation

    return make_federation(FED_CLIENTS, "iid", seed=1)


@functools.lru_cache(maxsize=16)
def _clean_run(seed: int):
    from .federated import run

    return run(_federation(), lambda U: U.mean(axis=0), rounds=FED_ROUNDS, seed=int(seed)).curve


def _malicious_client(design, seed, incident):
    from .federated import run

    fed = _federation()
    log, staff = _Log(design, 0.0), _Reviewers(design)
    cs = _controls(design, "update_norm_ratio")
    state = {"round": 0, "bad": set()}

    def aggregate(U):
        norms = np.linalg.norm(U, axis=1)
        ratio = norms / max(np.median(norms), 1e-12)
        drop = np.zeros(len(U), dtype=bool)
        for c in cs:
            hit = _fires(ratio, c)
            for i in np.flatnonzero(hit):
                log.fire(state["round"], c, ratio[i], f"client {i}", i in state["bad"])
            drop |= hit
        state["round"] += 1
        kept = np.flatnonzero(~drop)
        return (U[kept].mean(axis=0) if kept.size else np.zeros(U.shape[1])), kept

    rng = np.random.default_rng(int(seed))
    n_bad = FED_ATTACKERS if incident else 0
    state["bad"] = set(np.sort(rng.choice(FED_CLIENTS, size=n_bad, replace=False)).tolist()) \
        if n_bad else set()
    res = run(fed, aggregate, attack="scaled" if incident else "none", n_malicious=n_bad,
              rounds=FED_ROUNDS, seed=int(seed))
    clean = _clean_run(int(seed))
    n_test = len(fed.y_test)
    harm = max(0, int(round((clean[-1] - res.accuracy) * n_test))) if incident else 0
    for c in _controls(design, "holdout_accuracy_drop"):
        drops = np.asarray(clean) - np.asarray(res.curve)
        hit = np.flatnonzero(_fires(drops, c))
        if hit.size:
            log.fire(hit[0], c, drops[hit[0]], "global model", bool(incident))
    cost = {"accuracy": float(res.accuracy), "clean_accuracy": float(clean[-1])}
    return log.outcome("malicious_client", seed, incident, harm, staff.peak, 0, cost,
                       staff.capacity)


_RUNNERS = {"poisoned_vendor": _poisoned_vendor, "jailbreak_wave": _jailbreak_wave,
            "demographic_drift": _demographic_drift,
            "bad_deploy": lambda d, s, i: _serving(d, "bad_deploy", s, i),
            "latency_spike": lambda d, s, i: _serving(d, "latency_spike", s, i),
            "malicious_client": _malicious_client}


# ----------------------------------------------------------------------------- interview

def as_design(design_or_controls, *, oversight: Oversight | None = None,
              federated: bool = False) -> Design:
    """A Design as is, or a bare design around a list of Controls (each gets a component
    named by its ``where``; hazards are those the controls name). For trying one layer's
    controls alone; ``oversight`` defaults to 200 reviews a day."""
    from ..design import Component, Rollback

    if isinstance(design_or_controls, Design):
        return validate(design_or_controls)
    controls = list(design_or_controls)
    for i, c in enumerate(controls):
        if not isinstance(c, Control):
            raise DesignError(f"controls[{i}]", f"should be a Control, not {type(c).__name__}")
    where = []
    for c in controls:
        if isinstance(c.where, str) and c.where and c.where not in where:
            where.append(c.where)
    comps = [Component(w, "other", "runs a control") for w in where]
    comps.append(Component("the model", "model", "answers"))
    if federated:
        comps.append(Component("federation", "federation", "trains across hospitals"))
    hazards = sorted({c.hazard for c in controls if isinstance(c.hazard, str)} & set(HAZARDS),
                     key=HAZARDS.index)
    return validate(Design("controls only", "one layer", comps, controls, hazards,
                           list(STAGES), oversight or Oversight(200.0),
                           Rollback("last-good", "release lead")))


def run_scenario(design, scenario: str, seed: int = 0, *, incident: bool = True,
                 oversight: Oversight | None = None) -> Outcome:
    """Run one scenario (one of :data:`course.design.HAZARDS`) on a design (or a list of
    controls) and return its :class:`Outcome`."""
    if scenario not in HAZARDS:
        raise ValueError(f"scenario should be one of {HAZARDS}, not {scenario!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed should be an int, not {seed!r}")
    d = as_design(design, oversight=oversight, federated=scenario == "malicious_client")
    key = (repr(d), scenario, int(seed), bool(incident))
    if key not in _MEMO:
        if len(_MEMO) > 512:
            _MEMO.clear()
        _MEMO[key] = _RUNNERS[scenario](d, int(seed), bool(incident))
    return copy.deepcopy(_MEMO[key])


_MEMO = {}   # a design is data: the same design, scenario and seed give the same outcome


def lint(design: Design) -> dict:
    """Structural problems the interviewer reads off the design before running anything.

    ``late_only``: hazards whose every control sits at ``output`` or ``monitoring``;
    ``uncontrolled``: hazards the interviewer runs with no control at all; ``purpose``:
    components that host no control and are not the model, a data source, a review queue
    that receives reviews, or an audit log that receives records.
    """
    out = {"late_only": [], "uncontrolled": [], "purpose": []}
    for h in hazards_of(design):
        stages = {c.stage for c in design.controls if c.hazard == h}
        if not stages:
            out["uncontrolled"].append(h)
        elif stages <= set(LATE_STAGES):
            out["late_only"].append(h)
    hosts = {c.where for c in design.controls}
    reviews = any(c.action == "review" for c in design.controls)
    for comp in design.components:
        if comp.name in hosts or comp.kind in ("model", "data_source"):
            continue
        if comp.kind == "review_queue" and reviews:
            continue
        if comp.kind == "audit_log" and design.audit_points:
            continue
        out["purpose"].append(comp.name)
    return out


@dataclass
class Interview:
    """Everything one interview found: the design, one Outcome per scenario and seed, the
    structural problems, and the interviewer's pushback."""

    design: Design
    outcomes: list
    problems: dict
    transcript: list

    @property
    def table(self) -> pd.DataFrame:
        return pd.DataFrame([o.row() for o in self.outcomes])

    @property
    def contained(self) -> bool:
        return all(o.contained for o in self.outcomes)

    def summary(self) -> pd.DataFrame:
        """Per scenario, the worst seed: contained on every seed, the largest harm, the
        slowest detection, the busiest review day."""
        t = self.table
        g = t.groupby("scenario", sort=False)
        return pd.DataFrame({"contained": g.contained.all(), "harm": g.harm.max(),
                             "tolerance": g.tolerance.first(),
                             "layer": g.layer.agg(lambda s: s.iloc[0] if s.notna().all() else None),
                             "time_to_detect": g.time_to_detect.max(),
                             "unit": g.time_unit.first(),
                             "reviews_per_day": g.reviews_per_day.max(),
                             "capacity": g.capacity.first()})


def interview(design: Design, seeds=(0,), *, incident: bool = True) -> Interview:
    """Run every scenario the design faces (:func:`course.design.hazards_of`) on each seed,
    read the structure (:func:`lint`), and write the pushback (:func:`pushback`)."""
    d = validate(design)
    outcomes = [run_scenario(d, h, s, incident=incident) for s in seeds for h in hazards_of(d)]
    problems = lint(d)
    return Interview(d, outcomes, problems, pushback(d, outcomes, problems))


_STAGE_WORDS = {"output": "the output, after the model has produced the harm",
                "monitoring": "monitoring, after users have seen it"}


def pushback(design: Design, outcomes, problems) -> list[str]:
    """The interviewer's follow-up questions, deterministic, in a hiring manager's voice."""
    lines = []
    for h in problems.get("uncontrolled", []):
        lines.append(f"I don't see a single control for {h.replace('_', ' ')}. Walk me "
                     f"through what happens when {SCENARIOS[h]}.")
    for h in problems.get("late_only", []):
        stages = sorted({c.stage for c in design.controls if c.hazard == h}, key=STAGES.index)
        where = " and ".join(_STAGE_WORDS.get(s, s) for s in stages)
        lines.append(f"Your only control for {h.replace('_', ' ')} sits at {where}. What "
                     f"stops it earlier, when {SCENARIOS[h]}?")
    seen = set()
    for o in outcomes:
        if o.contained or o.scenario in seen:
            continue
        seen.add(o.scenario)
        what = f"{o.harm:g} {HARM_UNIT[o.scenario]} (you allowed {o.tolerance:g})"
        if o.detected_by is None:
            lines.append(f"When {SCENARIOS[o.scenario]} (seed {o.seed}), nothing fired and "
                         f"{what}. What would have caught it?")
        else:
            lines.append(f"When {SCENARIOS[o.scenario]} (seed {o.seed}), '{o.detected_by}' "
                         f"fired at the {o.detect_stage} stage after {o.time_to_detect:g} "
                         f"{o.time_unit}, and by then {what}. Why so late?")
    for o in outcomes:
        if o.overflow > 0 and ("load", o.scenario) not in seen:
            seen.add(("load", o.scenario))
            lines.append(f"Your reviewers can do {o.capacity:g} reviews a day; in the "
                         f"{o.scenario.replace('_', ' ')} you sent them {o.reviews_per_day:g}. "
                         f"What did they skip, and who decided that?")
    for name in problems.get("purpose", []):
        comp = next(c for c in design.components if c.name == name)
        lines.append(f"What does the {name} ({comp.kind}) do? No control runs in it: it is "
                     "one more thing to audit, secure and explain, and it buys nothing I can "
                     "measure.")
    unlogged = sorted({c for o in outcomes for c in o.unlogged})
    if unlogged:
        lines.append(f"{', '.join(repr(c) for c in unlogged)} fired, but you log nothing at "
                     "that stage. After the incident, how do you show me what it saw?")
    if not lines:
        lines.append("Every scenario was contained before harm reached users, on every seed "
                     "I tried. So tell me the number that would make you pull this design, "
                     "and who watches it.")
    return lines


# ----------------------------------------------------------------------------- the decision

REVIEW_OPTIONS_METRICS = ("contained", "load_ratio", "latency_ms", "components")


@dataclass
class DesignReview:
    """Candidate designs as the simulator measured them, for the decision exercise.

    runs: {design name: {"contained": [share of scenarios contained, one per seed],
    "load_ratio": [busiest review day / capacity, one per seed], "latency_ms": [p95 time to
    first token under no incident, one per seed], "components": int}}.
    The requirements: contained on every seed, reviews within capacity
    (``max_load_ratio``), p95 latency within ``max_latency_ms``; fewer components is better.
    """

    runs: dict
    max_latency_ms: float
    max_load_ratio: float = 1.0


def random_review(seed: int, n_options: int = 4, n_seeds: int = 3) -> DesignReview:
    """A random but plausible :class:`DesignReview` (for fresh decision scenarios)."""
    rng = np.random.default_rng([int(seed), 77])
    runs = {}
    for k in range(n_options):
        contained = np.where(rng.random(n_seeds) < 0.75, 1.0,
                             rng.choice([4 / 5, 3 / 5, 5 / 6], n_seeds))
        if rng.random() < 0.5:
            contained = np.ones(n_seeds)
        load = np.clip(rng.uniform(0.2, 1.3) * rng.uniform(0.7, 1.15, n_seeds), 0, None)
        lat = rng.uniform(800, 2000) * rng.uniform(0.95, 1.08, n_seeds)
        runs[f"design-{chr(65 + k)}"] = {"contained": [float(x) for x in contained],
                                         "load_ratio": [round(float(x), 3) for x in load],
                                         "latency_ms": [round(float(x), 1) for x in lat],
                                         "components": int(rng.integers(4, 12))}
    return DesignReview(runs, max_latency_ms=float(rng.choice([1200, 1500, 1800])),
                        max_load_ratio=1.0)
