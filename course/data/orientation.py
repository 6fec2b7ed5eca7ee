"""Systems and designs for m00-orientation.

``SUPPORT_ASSISTANT`` is the small system the learner writes a risk register for.
``Design`` describes a pipeline as ordered stages with controls attached; the example
designs and :func:`random_design` feed the earliest-control exercise and its tests.

A design's stages are ordered from the earliest point a control can act (where data enters)
to the latest (after the response has left). Stage names are free text: only their order
in ``Design.stages`` gives them meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import make_rng

LAYERS = ("data", "training", "evaluation", "input", "model", "output", "serving", "monitoring")
"""Where a control can sit, earliest first. Risk-register entries name one of these."""

RISK_FIELDS = ("hazard", "failure_mode", "layer", "likelihood", "severity", "mitigation",
               "metric", "threshold", "owner")
"""The keys every risk-register entry carries."""

SCALE = (1, 2, 3, 4, 5)
"""Likelihood and severity are scored on this scale (1 = rare / negligible, 5 = almost
certain / catastrophic)."""


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


_STAGES = ("data", "training", "input", "model", "output", "monitoring")


def example_designs() -> dict[str, Design]:
    """Two designs for the support assistant: the weak answer and the strong one."""
    hazards = tuple(SUPPORT_ASSISTANT.hazards)
    weak = Design(
        name="filter at the end",
        stages=_STAGES,
        hazards=hazards,
        controls=(
            Control("dashboard of user complaints", "monitoring", {"H2", "H3", "H5", "H6"}),
            Control("keyword filter on responses", "monitoring", {"H1", "H2"}),
        ),
    )
    strong = Design(
        name="defense in depth",
        stages=_STAGES,
        hazards=hazards,
        controls=(
            Control("per-vendor label audit and lineage", "data", {"H3"}),
            Control("Spanish share target and per-language eval gate", "training", {"H5"}),
            Control("injection classifier on messages and retrieved text", "input", {"H1"}),
            Control("retrieval scoped to the logged-in customer", "input", {"H2"}),
            Control("freeze_card needs the customer's explicit confirmation", "model", {"H4"}),
            Control("PII and policy classifier on responses", "output", {"H1", "H2"}),
            Control("canary rollout with a kill switch", "output", {"H6"}),
            Control("per-language accuracy and complaint alarms", "monitoring",
                    {"H3", "H5", "H6"}),
        ),
    )
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
            "threshold": float(np.round(rng.random(), 3)),
            "owner": str(rng.choice(["ML lead", "SRE on call", "privacy officer", "data lead"])),
        }
        for i in range(n)
    ]
