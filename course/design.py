"""A system design as data, for m07-mock-debrief: what the interviewer simulator runs.

A :class:`Design` lists the **components** of an LLM application (where data comes from,
where the model is trained and served, where humans review), the **data flows** between
them, the **hazards** it claims to handle, the **controls** (each one a metric watched at
one stage, a threshold with a direction, an action and an owner), the stages whose
decisions are written to the **audit** log, the **human oversight** (how many reviews a
day the reviewers can do) and the **rollback** plan. A free-text ``rationale`` says why;
the simulator never reads it (:mod:`course.sim.interviewer` runs the controls, it does not
match words).

The vocabulary is closed, so that every control can be run:

- :data:`STAGES`, in pipeline order: ``data`` (ingestion), ``training``, ``deploy``
  (release of a new version), ``input`` (before the model answers), ``output`` (after it
  answered, before the user sees it), ``monitoring`` (after users saw it).
  :data:`LATE_STAGES` (``output`` and ``monitoring``) act on harm the model has already
  produced: the filter at the end and the dashboard.
- :data:`HAZARDS`: the failure scenarios the interviewer runs (one per earlier module).
- :data:`METRICS`: every metric a control may watch, with its stage, the hazard it bears on
  (``None``: any hazard) and the actions it can drive. ``describe_metrics()`` prints them.
- :data:`ACTIONS`: ``quarantine`` (a data batch is not trained on), ``exclude`` (a
  federated client's update is dropped this round), ``rollback`` (traffic goes back to the
  last good version), ``block`` (the request or answer is refused; for ``check_latency_ms``:
  fail closed), ``release`` (``check_latency_ms`` only: fail open, the answer goes out
  unchecked), ``review`` (a person decides; counts against the reviewers' capacity),
  ``page`` (someone is told; nothing is stopped).

:func:`validate` raises :class:`DesignError` naming the field (``controls[2].threshold``)
for anything the simulator could not run. :func:`design_from_dict` builds a design from
plain dicts and lists (for example ``yaml.safe_load`` of a YAML file).

    >>> d = Design("toy", "a chat assistant",
    ...            components=[Component("gateway", "gateway", "reads every request"),
    ...                        Component("llm", "model", "answers")],
    ...            controls=[Control("input gate", "jailbreak_wave", "input", "input_risk",
    ...                              0.3, ">", "block", "safety on-call", "gateway")],
    ...            hazards=["jailbreak_wave"], audit_points=["input"],
    ...            oversight=Oversight(200), rollback=Rollback("last-good", "release lead"))
    >>> validate(d) is d
    True
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from numbers import Real

__all__ = ["STAGES", "LATE_STAGES", "HAZARDS", "ACTIONS", "DIRECTIONS", "KINDS", "METRICS",
           "Metric", "Component", "Control", "Oversight", "Rollback", "Design",
           "DesignError", "validate", "design_from_dict", "design_to_dict", "describe_metrics",
           "hazards_of", "federates"]

STAGES = ("data", "training", "deploy", "input", "output", "monitoring")
LATE_STAGES = ("output", "monitoring")
HAZARDS = ("poisoned_vendor", "jailbreak_wave", "demographic_drift", "bad_deploy",
           "latency_spike", "malicious_client")
ACTIONS = ("quarantine", "exclude", "rollback", "block", "release", "review", "page")
DIRECTIONS = (">", ">=", "<", "<=")
KINDS = ("data_source", "ingestion", "training", "federation", "model", "gateway",
         "output_filter", "serving", "monitor", "review_queue", "audit_log", "other")
"""Component kinds. ``model`` and ``data_source`` need no control to have a purpose; a
``review_queue`` has one when some control sends work to review, an ``audit_log`` when the
design logs some stage; every other component has a purpose only if a control runs in it."""


@dataclass(frozen=True)
class Metric:
    stage: str
    hazard: str | None
    actions: tuple
    unit: str
    doc: str


METRICS = {
    # poisoned vendor (m02's generator)
    "label_shift": Metric("data", "poisoned_vendor", ("quarantine", "review"), "share",
                          "per delivered batch: |share labelled unsafe - the trusted reference "
                          "set's share|"),
    "unseen_token_share": Metric("data", "poisoned_vendor", ("quarantine", "review"), "share",
                                 "per delivered batch: share of records with a token the "
                                 "trusted reference set never uses"),
    "output_unsafe_score": Metric("output", "poisoned_vendor", ("block", "review"), "probability",
                                  "per production request: the safety classifier's "
                                  "probability of unsafe (the filter at the end, trained on "
                                  "the accepted vendor data)"),
    # jailbreak wave (m01's prompts and assistant)
    "input_risk": Metric("input", "jailbreak_wave", ("block", "review"), "probability",
                         "per request: a gate's probability of harmful on the normalised "
                         "prompt (base64, split turns, leetspeak and spacing undone)"),
    "output_risk": Metric("output", "jailbreak_wave", ("block", "review"), "probability",
                          "per answer: an output classifier's probability of unsafe on the "
                          "answer text, trained on plain answers"),
    # demographic drift (m05's clinical generator)
    "group_input_shift": Metric("input", "demographic_drift", ("review", "page"), "z",
                                "per daily batch: the largest |z| over groups of the group's "
                                "mean SpO2 reading against its reference mean"),
    "group_tpr_gap": Metric("monitoring", "demographic_drift", ("review", "page"), "share",
                            "per day: best group TPR minus worst, on outcomes that arrive 3 "
                            "days after the decision (the last 3 labelled days)"),
    # bad deploy and latency spike (m04's serving stack)
    "canary_flag_rate": Metric("deploy", "bad_deploy", ("rollback",), "share",
                               "share of the new version's last `window` answers the checks "
                               "flagged (a circuit breaker: trips once, back to last good)"),
    "input_check_flag": Metric("input", "bad_deploy", ("block", "review"), "0/1",
                               "m04's input classifier's verdict on the prompt (fast, sees "
                               "only the input)"),
    "stream_flag": Metric("output", "bad_deploy", ("block", "review"), "0/1",
                          "m04's streaming output classifier's verdict"),
    "judge_flag": Metric("output", "bad_deploy", ("block", "review"), "0/1",
                         "m04's LLM-as-judge verdict on the whole answer (slow, accurate)"),
    "queue_wait_s": Metric("input", "latency_spike", ("block",), "seconds",
                           "admission control: a request that waits longer than this for a "
                           "replica is shed (refused) instead of served late"),
    "check_latency_ms": Metric("output", "latency_spike", ("block", "release"), "ms",
                               "the checks' latency budget: past it, block (fail closed) or "
                               "release unchecked (fail open)"),
    "p95_latency_ms": Metric("monitoring", "latency_spike", ("page",), "ms",
                             "the 95th percentile of time to first token over the run"),
    # malicious federated client (m03's harness)
    "update_norm_ratio": Metric("training", "malicious_client", ("exclude",), "ratio",
                                "per round and client: update norm / median update norm"),
    "holdout_accuracy_drop": Metric("monitoring", "malicious_client", ("page",), "share",
                                    "per round: clean-run accuracy minus this run's accuracy "
                                    "on a held-out set"),
    # any hazard
    "incident_reports": Metric("monitoring", None, ("page",), "count",
                               "user reports of harm received so far (a user reports a "
                               "harmful answer with probability 0.3)"),
}
"""Every metric a control can watch: stage, hazard, allowed actions, unit, meaning."""


class DesignError(ValueError):
    """A design the simulator cannot run; the message starts with the field's path."""

    def __init__(self, path: str, message: str):
        self.path = path
        super().__init__(f"{path}: {message}")


@dataclass
class Component:
    """A part of the system: ``name`` (unique), ``kind`` (one of :data:`KINDS`), ``purpose``."""

    name: str
    kind: str
    purpose: str = ""


@dataclass
class Control:
    """One control: watch ``metric`` at ``stage``; when ``value direction threshold`` holds,
    take ``action``. ``hazard`` is the hazard it answers, ``owner`` who acts on it,
    ``where`` the component it runs in, ``window`` the number of answers a rate is taken
    over (``canary_flag_rate`` only; default 100)."""

    name: str
    hazard: str
    stage: str
    metric: str
    threshold: float
    direction: str
    action: str
    owner: str
    where: str
    window: int | None = None


@dataclass
class Oversight:
    """Human oversight: ``reviews_per_day`` the reviewers can do in total, and who escalates."""

    reviews_per_day: float
    reviewers: int = 2
    escalation: str = "safety lead"


@dataclass
class Rollback:
    """Where traffic goes when a rollback fires (``target``), who owns it, how fast."""

    target: str
    owner: str
    max_minutes: float = 15.0


@dataclass
class Design:
    name: str
    application: str
    components: list = field(default_factory=list)
    controls: list = field(default_factory=list)
    hazards: list = field(default_factory=list)
    audit_points: list = field(default_factory=list)
    oversight: Oversight | None = None
    rollback: Rollback | None = None
    data_flows: list = field(default_factory=list)
    rationale: str = ""


def _text(value, path):
    if not isinstance(value, str) or not value.strip():
        raise DesignError(path, f"should be a non-empty str, not {value!r}")
    return value


def _one_of(value, allowed, path):
    if value not in allowed:
        raise DesignError(path, f"should be one of {', '.join(map(repr, allowed))}, not {value!r}")
    return value


def _number(value, path, *, low=None):
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        raise DesignError(path, f"should be a finite number, not {value!r}")
    if low is not None and float(value) < low:
        raise DesignError(path, f"should be at least {low}, not {value!r}")
    return float(value)


def validate(design: Design) -> Design:
    """Return ``design`` if the simulator can run it; raise :class:`DesignError` otherwise.

    Every control needs a metric of :data:`METRICS` at that metric's stage, a finite
    threshold, a direction, an action the metric allows, an owner and a component it runs
    in; a ``rollback`` action needs the design's ``rollback`` plan; a ``review`` action
    needs ``oversight``. The message names the field (``controls[1].threshold``).
    """
    if not isinstance(design, Design):
        raise DesignError("design", f"should be a Design, not {type(design).__name__}")
    _text(design.name, "name")
    _text(design.application, "application")
    for key in ("components", "controls", "hazards", "audit_points", "data_flows"):
        if not isinstance(getattr(design, key), (list, tuple)):
            raise DesignError(key, f"should be a list, not {type(getattr(design, key)).__name__}")
    if not design.components:
        raise DesignError("components", "a design needs at least one component")
    names = []
    for i, c in enumerate(design.components):
        p = f"components[{i}]"
        if not isinstance(c, Component):
            raise DesignError(p, f"should be a Component, not {type(c).__name__}")
        names.append(_text(c.name, f"{p}.name"))
        _one_of(c.kind, KINDS, f"{p}.kind")
        if not isinstance(c.purpose, str):
            raise DesignError(f"{p}.purpose", "should be a str")
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})[0]
        raise DesignError("components", f"two components are called {dup!r}")
    for i, h in enumerate(design.hazards):
        _one_of(h, HAZARDS, f"hazards[{i}]")
    for i, s in enumerate(design.audit_points):
        _one_of(s, STAGES, f"audit_points[{i}]")
    for i, flow in enumerate(design.data_flows):
        p = f"data_flows[{i}]"
        if not isinstance(flow, (list, tuple)) or len(flow) != 2:
            raise DesignError(p, f"should be a pair (from, to) of component names, not {flow!r}")
        for j, end in enumerate(flow):
            _one_of(end, names, f"{p}[{j}]")
    if design.oversight is not None:
        if not isinstance(design.oversight, Oversight):
            raise DesignError("oversight", "should be an Oversight or None")
        _number(design.oversight.reviews_per_day, "oversight.reviews_per_day", low=0)
    if design.rollback is not None:
        if not isinstance(design.rollback, Rollback):
            raise DesignError("rollback", "should be a Rollback or None")
        _text(design.rollback.target, "rollback.target")
        _text(design.rollback.owner, "rollback.owner")
    seen = []
    for i, c in enumerate(design.controls):
        p = f"controls[{i}]"
        if not isinstance(c, Control):
            raise DesignError(p, f"should be a Control, not {type(c).__name__}")
        seen.append(_text(c.name, f"{p}.name"))
        _one_of(c.metric, tuple(METRICS), f"{p}.metric")
        m = METRICS[c.metric]
        _one_of(c.stage, STAGES, f"{p}.stage")
        if c.stage != m.stage:
            raise DesignError(f"{p}.stage", f"{c.metric} is measured at the {m.stage!r} stage, "
                                            f"not {c.stage!r}")
        _one_of(c.hazard, HAZARDS, f"{p}.hazard")
        if m.hazard is not None and c.hazard != m.hazard:
            raise DesignError(f"{p}.hazard", f"{c.metric} bears on {m.hazard!r}, not {c.hazard!r}")
        if c.threshold is None:
            raise DesignError(f"{p}.threshold", "a control needs a threshold (a number): "
                                                "'we would watch it' is not a control")
        _number(c.threshold, f"{p}.threshold")
        if c.direction is None:
            raise DesignError(f"{p}.direction", "a control needs a direction: which side of "
                                                "the threshold fires it")
        _one_of(c.direction, DIRECTIONS, f"{p}.direction")
        _one_of(c.action, m.actions, f"{p}.action")
        _text(c.owner, f"{p}.owner")
        _one_of(c.where, names, f"{p}.where")
        if c.window is not None:
            if isinstance(c.window, bool) or not isinstance(c.window, int) or c.window < 1:
                raise DesignError(f"{p}.window", f"should be None or a positive int, not {c.window!r}")
        if c.action == "rollback" and design.rollback is None:
            raise DesignError(f"{p}.action", "a rollback needs the design's rollback plan "
                                             "(rollback=Rollback(target, owner))")
        if c.action == "review" and design.oversight is None:
            raise DesignError(f"{p}.action", "a review needs people: set oversight="
                                             "Oversight(reviews_per_day)")
    if len(set(seen)) != len(seen):
        dup = sorted({n for n in seen if seen.count(n) > 1})[0]
        raise DesignError("controls", f"two controls are called {dup!r}")
    for i, c in enumerate(design.controls):
        if c.hazard not in design.hazards:
            raise DesignError(f"controls[{i}].hazard", f"{c.hazard!r} is not in the design's "
                                                       "hazards list")
    if not isinstance(design.rationale, str):
        raise DesignError("rationale", "should be a str")
    return design


def federates(design: Design) -> bool:
    """True when the design trains across federated clients (it has a federation component)."""
    return any(c.kind == "federation" for c in design.components)


def hazards_of(design: Design) -> list[str]:
    """The hazards the interviewer runs on this design: every one of :data:`HAZARDS`, but a
    malicious federated client only when the design federates."""
    return [h for h in HAZARDS if h != "malicious_client" or federates(design)]


_PARTS = {"components": Component, "controls": Control}


def design_from_dict(spec: dict) -> Design:
    """Build (and validate) a Design from plain dicts and lists, e.g. ``yaml.safe_load``.

    Unknown keys raise :class:`DesignError` naming them, so a typo is not silently dropped.
    """
    if not isinstance(spec, dict):
        raise DesignError("design", f"should be a mapping, not {type(spec).__name__}")
    top = {f.name for f in fields(Design)}
    for key in spec:
        if key not in top:
            raise DesignError(str(key), f"is not a field of a design ({', '.join(sorted(top))})")
    kw = dict(spec)
    for key, cls in _PARTS.items():
        allowed = {f.name for f in fields(cls)}
        items = []
        for i, item in enumerate(kw.get(key, []) or []):
            if isinstance(item, cls):
                items.append(item)
                continue
            if not isinstance(item, dict):
                raise DesignError(f"{key}[{i}]", f"should be a mapping, not {item!r}")
            extra = set(item) - allowed
            if extra:
                raise DesignError(f"{key}[{i}].{sorted(extra)[0]}", "is not a field of "
                                  f"{cls.__name__} ({', '.join(sorted(allowed))})")
            try:
                items.append(cls(**item))
            except TypeError as exc:
                raise DesignError(f"{key}[{i}]", str(exc)) from None
        kw[key] = items
    for key, cls in (("oversight", Oversight), ("rollback", Rollback)):
        if isinstance(kw.get(key), dict):
            try:
                kw[key] = cls(**kw[key])
            except TypeError as exc:
                raise DesignError(key, str(exc)) from None
    kw["data_flows"] = [tuple(f) if isinstance(f, list) else f for f in kw.get("data_flows", [])]
    for key in ("name", "application"):
        if key not in kw:
            raise DesignError(key, "is missing")
    return validate(Design(**kw))


def design_to_dict(design: Design) -> dict:
    """The design as plain dicts and lists (for YAML or JSON)."""
    out = asdict(design)
    out["data_flows"] = [list(f) for f in design.data_flows]
    return out


def describe_metrics():
    """The metric catalogue as a table (a pandas DataFrame)."""
    import pandas as pd

    return pd.DataFrame([{"metric": k, "stage": m.stage, "hazard": m.hazard or "any",
                          "actions": ", ".join(m.actions), "unit": m.unit, "meaning": m.doc}
                         for k, m in METRICS.items()]).set_index("metric")
