"""Seeded data helpers and the m00 systems and designs."""

import numpy as np
import pytest

from course.data import COURSE_SEED, make_rng
from course.data.orientation import (LAYERS, RISK_FIELDS, SUPPORT_ASSISTANT, Control, Design,
                                     example_designs, random_design, random_register)


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


def test_example_designs_cover_the_system_hazards():
    for design in example_designs().values():
        assert set(design.hazards) == set(SUPPORT_ASSISTANT.hazards)
    strong = example_designs()["defense in depth"]
    covered = set().union(*(c.hazards for c in strong.controls))
    assert covered == set(SUPPORT_ASSISTANT.hazards)
