"""Systems, designs and a launch review for m00-orientation.

``SUPPORT_ASSISTANT`` is the small system the learner writes a risk register for.
``Design`` describes a pipeline as ordered stages with controls attached; the example
designs and :func:`random_design` feed the earliest-control exercise and its tests.
:class:`Launch` is the launch review of the decision exercise: candidate designs with
their red-team results and latency, and the limits the launch must meet;
:func:`launch_review` builds the notebook's, :func:`random_launch` fresh ones for tests.

A design's stages are ordered from the earliest point a control can act (where data enters)
to the latest (after the response has left). Stage names are free text: only their order
in ``Design.stages`` gives them meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import math
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from . import make_rng

LAYERS = ("data", "training", "evaluation", "input", "model", "output", "serving", "monitoring")
"""Where a control can sit, in the order a response is made and reaches people.

Data, training and evaluation act before a model version ships; input, model and output
act on each request; serving (canary rollout, rate limits, kill switch) delivers what the
output stage let through, and monitoring sees it afterwards. Everything from ``"output"``
on acts after the harm is made, so a control there only limits how far it spreads."""

EARLY_LAYERS = LAYERS[:LAYERS.index("output")]
"""Layers where a control stops a harm where it is made: every layer before ``"output"``."""

LATE_LAYERS = LAYERS[LAYERS.index("output"):]
"""Layers where a control sees a harm after it is made: output, serving, monitoring."""

RISK_FIELDS = ("hazard", "failure_mode", "layer", "likelihood", "severity", "mitigation",
               "metric", "direction", "threshold", "owner")
"""The keys every risk-register entry carries."""

DIRECTIONS = (">", ">=", "<", "<=")
"""How a register entry's metric crosses its threshold to call for action: ``">"`` for a
ceiling (attack success above 2%), ``"<"`` for a floor (accuracy below 97%). An entry's
``(metric, direction, threshold)`` is a trigger, as in :class:`course.judgment.Trigger`."""

SCALE = (1, 2, 3, 4, 5)
"""Likelihood and severity are scored on this scale (1 = rare / negligible, 5 = almost
certain / catastrophic)."""

CATASTROPHIC = 5
"""The severity that blocks a launch whatever its likelihood (see :func:`blocks_launch`)."""


def blocks_launch(entry: Mapping, bar: int) -> bool:
    """True when a register entry must be mitigated before launch.

    A safety-first launch bar: likelihood x severity at or above ``bar``, or a
    catastrophic severity (5) at any likelihood. A product rule alone lets a rare
    catastrophe (1 x 5 = 5) pass under a bar of 12; a lab that puts safety first does not.
    """
    return (int(entry["likelihood"]) * int(entry["severity"]) >= bar
            or int(entry["severity"]) >= CATASTROPHIC)


@dataclass(frozen=True)
class System:
    """A system described for a risk review: what it does and what could go wrong."""

    name: str
    description: str
    hazards: dict[str, str]


SUPPORT_ASSISTANT = System(
    name="Harbour Bank support assistant",
    description=(
        "A chat assistant on Harbour Bank's website answers customers' questions about "
        "their accounts. It is an LLM fine-tuned on 40,000 past support conversations "
        "bought from two outsourcing vendors. For each question it retrieves passages "
        "from the bank's policy pages and, for logged-in customers, their last ten "
        "transactions. It can call one tool, `freeze_card`, without a human in the loop. "
        "It serves about 20,000 conversations a day in English and Spanish; the "
        "fine-tuning data is 95% English. A new model version is deployed every two weeks."
    ),
    hazards={
        "H1": "a retrieved page or a customer message carries instructions that the "
              "model follows (prompt injection)",
        "H2": "the assistant reveals one customer's transactions or personal data to "
              "another customer",
        "H3": "a vendor's conversations teach the model to give wrong or harmful "
              "financial advice (poisoned or low-quality training data)",
        "H4": "the assistant freezes a card that the customer did not ask to freeze, or "
              "fails to freeze one that was reported stolen",
        "H5": "answers in Spanish are markedly less accurate than answers in English",
        "H6": "a new model version emits unsafe answers at scale before anyone can stop it",
    },
)


@dataclass(frozen=True)
class Control:
    """A safety control: its name, the stage it sits at, the hazards it addresses."""

    name: str
    stage: str
    hazards: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self):
        object.__setattr__(self, "hazards", frozenset(self.hazards))


@dataclass(frozen=True)
class Design:
    """A pipeline design: ordered stages, the hazards in scope, and the controls.

    ``controls`` may be listed in any order; a control's position in the pipeline is
    given only by ``stages.index(control.stage)``.
    """

    name: str
    stages: tuple[str, ...]
    hazards: tuple[str, ...]
    controls: tuple[Control, ...]

    def __post_init__(self):
        object.__setattr__(self, "stages", tuple(self.stages))
        object.__setattr__(self, "hazards", tuple(self.hazards))
        object.__setattr__(self, "controls", tuple(self.controls))
        unknown = {c.stage for c in self.controls} - set(self.stages)
        if unknown:
            raise ValueError(f"controls sit at stages not in the design: {sorted(unknown)}")
        if len(set(self.stages)) != len(self.stages):
            raise ValueError("stage names must be unique")


_HAZARDS = tuple(SUPPORT_ASSISTANT.hazards)

# the controls a design for the support assistant can draw on: (name, layer, hazards)
_CONTROLS = {
    "audit": ("per-vendor label audit and lineage", "data", {"H3"}),
    "spanish": ("Spanish share target in the fine-tuning data", "training", {"H5"}),
    "release gate": ("release gate on red-team and per-language eval sets", "evaluation",
                     {"H1", "H5", "H6"}),
    "injection": ("injection classifier on messages and retrieved text", "input", {"H1"}),
    "scoped": ("retrieval scoped to the logged-in customer", "input", {"H2"}),
    "confirm": ("freeze_card needs the customer's explicit confirmation", "model", {"H4"}),
    "pii": ("PII and policy classifier on responses", "output", {"H1", "H2"}),
    "judge": ("LLM judge reviews every response before it is sent", "output",
              {"H1", "H2", "H3"}),
    "keywords": ("keyword filter on responses", "monitoring", {"H1", "H2"}),
    "canary": ("canary rollout with a kill switch", "serving", {"H6"}),
    "alarms": ("per-language accuracy and complaint alarms", "monitoring", {"H3", "H5", "H6"}),
    "complaints": ("dashboard of user complaints", "monitoring", {"H2", "H3", "H5", "H6"}),
}


def _design(name: str, keys) -> Design:
    return Design(name=name, stages=LAYERS, hazards=_HAZARDS,
                  controls=tuple(Control(*_CONTROLS[k]) for k in keys))


def example_designs() -> dict[str, Design]:
    """Two designs for the support assistant: the weak answer and the strong one."""
    weak = _design("filter at the end", ["complaints", "keywords"])
    strong = _design("defense in depth", ["audit", "spanish", "release gate", "injection",
                                          "scoped", "confirm", "pii", "canary", "alarms"])
    return {weak.name: weak, strong.name: strong}


def random_design(seed=None, *, n_stages: int = 6, n_hazards: int = 6, n_controls: int = 8,
                  late_only: bool = False, stage_names: tuple[str, ...] | None = None) -> Design:
    """A random design for tests: random stage names, hazards and controls.

    Controls are listed in random order, so a correct answer must use the stage order, not
    the order controls appear in. With ``late_only`` every control sits at the last stage.
    Some hazards may be left uncontrolled.
    """
    rng = make_rng(seed)
    if stage_names is None:
        pool = ["ingest", "label", "fit", "validate", "gate", "infer", "filter", "review",
                "release", "observe", "archive", "route"]
        stage_names = tuple(rng.permutation(pool)[:n_stages])
    stages = tuple(str(s) for s in stage_names)
    hazards = tuple(f"Z{i}" for i in rng.permutation(np.arange(1, n_hazards + 1)))
    controls = []
    for i in range(n_controls):
        stage = stages[-1] if late_only else stages[int(rng.integers(len(stages)))]
        k = int(rng.integers(1, min(3, n_hazards) + 1))
        covered = {str(h) for h in rng.choice(hazards, size=k, replace=False)}
        controls.append(Control(f"control {i}", stage, covered))
    return Design(name=f"random design {int(rng.integers(1_000_000))}", stages=stages,
                  hazards=hazards, controls=tuple(controls))


def random_register(seed=None, n: int = 12) -> list[dict]:
    """A random, well-formed risk register for tests (hazard ids R1, R2, ...)."""
    rng = make_rng(seed)
    return [
        {
            "hazard": f"R{i + 1}",
            "failure_mode": f"failure mode {i + 1}",
            "layer": str(rng.choice(LAYERS)),
            "likelihood": int(rng.integers(1, 6)),
            "severity": int(rng.integers(1, 6)),
            "mitigation": f"mitigation {i + 1}",
            "metric": f"metric {i + 1}",
            "direction": str(rng.choice(DIRECTIONS)),
            "threshold": float(np.round(rng.random(), 3)),
            "owner": str(rng.choice(["ML lead", "SRE on call", "privacy officer", "data lead"])),
        }
        for i in range(n)
    ]


# ---- the launch review (the decision exercise) ----------------------------------------


class Estimate(NamedTuple):
    """A measured rate with its 95% interval: ``rate, low, high`` and the sample size ``n``."""

    rate: float
    low: float
    high: float
    n: int


def _binom_cdf(k: int, n: int, p: float) -> float:
    if p <= 0.0:
        return 1.0
    if p >= 1.0:
        return 0.0 if k < n else 1.0
    logs = [math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
            + i * math.log(p) + (n - i) * math.log1p(-p) for i in range(k + 1)]
    top = max(logs)
    return min(1.0, math.exp(top) * sum(math.exp(v - top) for v in logs))


def _solve(f, target: float) -> float:
    """The p in [0, 1] where the decreasing function f(p) equals target (bisection)."""
    lo, hi = 0.0, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if f(mid) > target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def estimate(unsafe: int, n: int, level: float = 0.95) -> Estimate:
    """The unsafe rate ``unsafe / n`` with its exact (Clopper-Pearson) interval.

    Exact intervals are conservative: they cover the true rate at least ``level`` of the
    time, which is what a launch review wants from a bound it will be held to.
    """
    if isinstance(unsafe, bool) or isinstance(n, bool) or not 0 <= int(unsafe) <= int(n) \
            or int(n) < 1:
        raise ValueError(f"need 0 <= unsafe <= n and n >= 1, got {unsafe!r} of {n!r}")
    x, n = int(unsafe), int(n)
    alpha = 1 - level
    low = 0.0 if x == 0 else _solve(lambda p: _binom_cdf(x - 1, n, p), 1 - alpha / 2)
    high = 1.0 if x == n else _solve(lambda p: _binom_cdf(x, n, p), alpha / 2)
    return Estimate(x / n, float(low), float(high), n)


@dataclass(frozen=True)
class Launch:
    """A launch review: candidate designs, what was measured on each, and the limits.

    designs:         option name -> :class:`Design` (stages are :data:`LAYERS`).
    severity:        hazard -> severity 1-5, from the risk register.
    unsafe:          option name -> :class:`Estimate` of the unsafe-answer rate on the
                     red-team set (a rate, its 95% interval and the number of conversations).
    latency_ms:      option name -> p95 latency the design adds to a response, in ms.
    latency_budget_ms: the most added p95 latency the product accepts.
    risk_appetite:   the most unsafe answers per red-team conversation the risk owner
                     accepts.
    """

    designs: Mapping[str, Design]
    severity: Mapping[str, int]
    unsafe: Mapping[str, Estimate]
    latency_ms: Mapping[str, float]
    latency_budget_ms: float
    risk_appetite: float

    def __post_init__(self):
        names = set(self.designs)
        for what, table in (("unsafe", self.unsafe), ("latency_ms", self.latency_ms)):
            if set(table) != names:
                raise ValueError(f"{what} should have one entry per design: "
                                 f"{sorted(names)}, not {sorted(table)}")

    def board(self):
        """The raw measurements as a table (a DataFrame), one row per design."""
        import pandas as pd

        return pd.DataFrame(
            {name: {"conversations": e.n, "unsafe rate": e.rate, "95% low": e.low,
                    "95% high": e.high, "p95 latency (ms)": self.latency_ms[name],
                    "controls": len(self.designs[name].controls)}
             for name, e in self.unsafe.items()}).T


LATENCY_BUDGET_MS = 800.0
"""The p95 latency the support assistant's product owner allows the safety controls."""

RISK_APPETITE = 0.01
"""The risk owner's appetite: at most 1 unsafe answer in 100 red-team conversations."""

# the launch review of the notebook: design keys, red-team (unsafe, conversations), latency
_LAUNCH = {
    "A": ("output filter", ["confirm", "pii", "canary", "complaints"], (6, 1000), 180.0),
    "B": ("defense in depth", ["audit", "spanish", "release gate", "injection", "scoped",
                               "confirm", "pii", "canary", "alarms"], (9, 2000), 620.0),
    "C": ("depth and an LLM judge", ["audit", "spanish", "release gate", "injection",
                                     "scoped", "confirm", "pii", "judge", "canary",
                                     "alarms"], (3, 2000), 1150.0),
    "D": ("lean depth", ["audit", "release gate", "scoped", "confirm", "pii"], (1, 300),
          340.0),
}


def severities(register, hazards=_HAZARDS) -> dict[str, int]:
    """Each hazard's severity in a register: its highest entry, 5 if it has none.

    A hazard the register forgot is scored as catastrophic: what nobody assessed cannot be
    assumed mild.
    """
    out = {}
    for h in hazards:
        scores = [int(e["severity"]) for e in register if e.get("hazard") == h]
        out[h] = max(scores) if scores else CATASTROPHIC
    return out


def launch_review(severity: Mapping[str, int]) -> Launch:
    """The notebook's launch review of four designs for the support assistant.

    severity: hazard -> severity, usually ``severities(make_register())``.
    The red-team results are counts of unsafe answers in each design's red-team run
    (design D was red-teamed on 300 conversations only, the others on 1,000 or 2,000).
    """
    designs, unsafe, latency = {}, {}, {}
    for key, (name, controls, (x, n), ms) in _LAUNCH.items():
        designs[key] = _design(name, controls)
        unsafe[key] = estimate(x, n)
        latency[key] = ms
    return Launch(designs=designs, severity=dict(severity), unsafe=unsafe,
                  latency_ms=latency, latency_budget_ms=LATENCY_BUDGET_MS,
                  risk_appetite=RISK_APPETITE)


def random_launch(seed=None, *, n_options: int = 4, names=None) -> Launch:
    """A fresh launch review for tests: random designs, severities, red-team runs, latency.

    Designs are drawn from the support assistant's controls; severities put at least one
    hazard at 5; red-team runs have 200 to 3,000 conversations; the latency budget and the
    risk appetite vary too.
    """
    rng = make_rng(seed)
    names = list(names) if names is not None else [f"design-{c}" for c in "PQRSTUVW"]
    names = names[:n_options]
    keys = list(_CONTROLS)
    severity = {h: int(rng.integers(2, 6)) for h in _HAZARDS}
    severity[str(rng.choice(_HAZARDS))] = CATASTROPHIC
    designs, unsafe, latency = {}, {}, {}
    for name in names:
        k = int(rng.integers(3, len(keys) + 1))
        picked = sorted(rng.choice(len(keys), size=k, replace=False))
        designs[name] = _design(name, [keys[i] for i in picked])
        n = int(rng.choice([200, 300, 500, 1000, 2000, 3000]))
        rate = float(rng.uniform(0.0005, 0.02))
        unsafe[name] = estimate(int(rng.binomial(n, rate)), n)
        latency[name] = float(np.round(rng.uniform(100, 1400), -1))
    return Launch(designs=designs, severity=severity, unsafe=unsafe, latency_ms=latency,
                  latency_budget_ms=float(rng.choice([500.0, 800.0, 1000.0])),
                  risk_appetite=float(rng.choice([0.005, 0.01, 0.02])))
