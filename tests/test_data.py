"""Seeded data helpers and the m00 systems and designs."""

import numpy as np
import pytest

from course.data import COURSE_SEED, make_rng
from course.data.orientation import (CATASTROPHIC, DIRECTIONS, EARLY_LAYERS, LATE_LAYERS,
                                     LAYERS, RISK_FIELDS, SUPPORT_ASSISTANT, Control, Design,
                                     Launch, blocks_launch, estimate, example_designs,
                                     launch_review, random_design, random_launch,
                                     random_register, severities)


def test_make_rng_is_seeded_and_passes_generators_through():
    assert make_rng(5).random() == make_rng(5).random()
    assert make_rng().random() == np.random.default_rng(COURSE_SEED).random()
    g = np.random.default_rng(1)
    assert make_rng(g) is g
    with pytest.raises(TypeError, match="seed must be"):
        make_rng("5")
    with pytest.raises(TypeError):
        make_rng(True)


def test_random_design_is_deterministic_and_valid():
    a, b = random_design(3), random_design(3)
    assert a == b
    assert a != random_design(4)
    assert {c.stage for c in a.controls} <= set(a.stages)
    late = random_design(3, late_only=True)
    assert {c.stage for c in late.controls} == {late.stages[-1]}


def test_design_rejects_unknown_stages_and_duplicates():
    with pytest.raises(ValueError, match="not in the design"):
        Design("d", ("a", "b"), ("X",), (Control("c", "z", {"X"}),))
    with pytest.raises(ValueError, match="unique"):
        Design("d", ("a", "a"), ("X",), ())


def test_random_register_is_well_formed():
    reg = random_register(1, n=30)
    assert len(reg) == 30 and reg == random_register(1, n=30)
    for entry in reg:
        assert set(entry) == set(RISK_FIELDS)
        assert entry["layer"] in LAYERS
        assert 1 <= entry["likelihood"] <= 5 and 1 <= entry["severity"] <= 5
        assert entry["direction"] in DIRECTIONS


def test_example_designs_cover_the_system_hazards():
    for design in example_designs().values():
        assert set(design.hazards) == set(SUPPORT_ASSISTANT.hazards)
    strong = example_designs()["defense in depth"]
    covered = set().union(*(c.hazards for c in strong.controls))
    assert covered == set(SUPPORT_ASSISTANT.hazards)


def test_layers_split_where_the_harm_is_made():
    # serving delivers what the output stage let through: it is late, like output
    assert LAYERS.index("output") < LAYERS.index("serving") < LAYERS.index("monitoring")
    assert EARLY_LAYERS + LATE_LAYERS == LAYERS
    assert "serving" in LATE_LAYERS and "serving" not in EARLY_LAYERS
    assert set(EARLY_LAYERS) == {"data", "training", "evaluation", "input", "model"}


def test_directions_are_trigger_directions():
    from course.judgment import Trigger

    for way in DIRECTIONS:
        Trigger("metric", way, 0.5)  # every register direction is a valid trigger


def test_severity_five_always_blocks_launch():
    assert blocks_launch({"likelihood": 1, "severity": CATASTROPHIC}, bar=25)
    assert not blocks_launch({"likelihood": 2, "severity": 4}, bar=12)
    assert blocks_launch({"likelihood": 3, "severity": 4}, bar=12)
    assert not blocks_launch({"likelihood": 5, "severity": 4}, bar=21)


def test_estimate_is_the_exact_interval():
    # Clopper-Pearson values (statsmodels proportion_confint(method="beta"))
    e = estimate(9, 2000)
    assert e.rate == 0.0045 and e.n == 2000
    assert e.low == pytest.approx(0.0020596885, rel=1e-6)
    assert e.high == pytest.approx(0.0085251412, rel=1e-6)
    assert estimate(0, 50).low == 0.0 and estimate(0, 50).high == pytest.approx(0.0711217365)
    assert estimate(50, 50).high == 1.0
    with pytest.raises(ValueError):
        estimate(3, 2)
    with pytest.raises(ValueError):
        estimate(0, 0)


def test_launch_review_of_the_notebook():
    sev = severities([{"hazard": "H2", "severity": 5}, {"hazard": "H2", "severity": 3}])
    assert sev["H2"] == 5 and sev["H1"] == CATASTROPHIC  # a forgotten hazard counts as 5
    review = launch_review({"H2": 5, "H6": 5})
    assert set(review.designs) == {"A", "B", "C", "D"}
    for design in review.designs.values():
        assert design.stages == LAYERS
    # D: the lowest point estimate after C, on the shortest run, above 1% at its upper bound
    d, b = review.unsafe["D"], review.unsafe["B"]
    assert d.rate < b.rate and d.high > review.risk_appetite > b.high
    assert review.latency_ms["C"] > review.latency_budget_ms >= review.latency_ms["B"]


def test_random_launch_is_deterministic_and_valid():
    a, b = random_launch(5), random_launch(5)
    assert a == b and a != random_launch(6)
    assert CATASTROPHIC in a.severity.values()
    for name, e in a.unsafe.items():
        assert 0 <= e.low <= e.rate <= e.high <= 1 and e.n >= 200
        assert name in a.designs and name in a.latency_ms
    assert list(random_launch(1, n_options=2, names=["x", "y", "z"]).designs) == ["x", "y"]
    with pytest.raises(ValueError, match="one entry per design"):
        Launch(designs=a.designs, severity={}, unsafe={}, latency_ms=a.latency_ms,
               latency_budget_ms=1.0, risk_appetite=0.1)
