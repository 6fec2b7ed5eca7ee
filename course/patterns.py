"""The six interview patterns the course is built around.

Every module answers one or more of them, and a hidden test whose failure repeats one
names it (see :mod:`course.check`).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Pattern:
    code: str
    name: str
    weak: str
    strong: str


PATTERNS = {
    p.code: p
    for p in [
        Pattern(
            "P1",
            "safety as an afterthought",
            "we add a filter layer at the end; monitoring will catch it",
            "controls at every layer, each with a metric and a threshold; adversarial "
            "training during development",
        ),
        Pattern(
            "P2",
            "risk talk without mitigation",
            "we would validate the data",
            "detection inside the pipeline, lineage that can root-cause an incident, "
            "privacy at ingestion, debiasing measured per subgroup",
        ),
        Pattern(
            "P3",
            "complexity over auditability",
            "a clever design with no answer for malicious parts or for attribution",
            "robust aggregation, per-client audit trails, and preferring the simpler "
            "design when it is safer",
        ),
        Pattern(
            "P4",
            "communication as persuasion",
            "I showed them the data and convinced them",
            "trade-offs translated for policy, legal and product; uncertainty carried "
            "honestly",
        ),
        Pattern(
            "M1",
            "performance-only metrics",
            "99.9% uptime, 10,000 requests per second",
            "an explicit operating point: latency spent on the ability to halt unsafe "
            "output, an audit trail for every critical decision",
        ),
        Pattern(
            "M2",
            "generic ethics",
            "models should be fair and unbiased",
            "staged debiasing, each stage measured per group with statistical tests and "
            "human review",
        ),
    ]
}


def describe(code: str) -> str:
    """One line naming a pattern, e.g. ``"P1 (safety as an afterthought)"``."""
    try:
        p = PATTERNS[code]
    except KeyError:
        raise ValueError(f"unknown pattern {code!r}; expected one of {sorted(PATTERNS)}") from None
    return f"{p.code} ({p.name})"
