"""Explorers build widgets for a person and step aside while nbgrader runs the notebook."""

import ipywidgets as W

from course.data.orientation import random_register
from course.widgets import NotBuiltWhileGrading
from course.widgets.orientation import risk_appetite_explorer


def _prioritise(register):
    return sorted(register, key=lambda r: -r["likelihood"] * r["severity"])


def test_explorer_builds_widgets_for_a_person(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert isinstance(risk_appetite_explorer(random_register(3), _prioritise), W.VBox)


def test_explorer_is_skipped_under_nbgrader(monkeypatch):
    calls = []
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    shown = risk_appetite_explorer(random_register(3), lambda r: calls.append(r) or r)
    assert isinstance(shown, NotBuiltWhileGrading)
    assert "static figure" in repr(shown)
    assert calls == []  # nothing was built, so the learner's function never ran
