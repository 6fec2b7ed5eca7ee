"""Synthetic submissions: what a full, blank, partial or broken student hands in.

Used by ``safety-course demo``, the round-trip tests and the grading benchmark. A
submission is built from the generated student notebook, with some answer cells filled
from the solution source (marker lines removed), so it looks exactly like a learner's.
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat

from .coursedir import CourseDir

MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def _grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def is_answer(cell) -> bool:
    """True for an nbgrader answer cell (autograded or manually graded)."""
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution"))


def answers(source_nb) -> dict[str, str]:
    """The answer cells' solutions, by grade id, with the marker lines removed."""
    out = {}
    for cell in source_nb.cells:
        if is_answer(cell):
            lines = [ln for ln in cell.source.splitlines()
                     if ln.strip() not in MARKERS]
            out[_grade_id(cell)] = "\n".join(lines)
    return out


def fill(student_nb, solutions: dict[str, str]):
    """A copy of a student notebook with the named answer cells replaced."""
    nb = copy.deepcopy(student_nb)
    for cell in nb.cells:
        if is_answer(cell) and _grade_id(cell) in solutions:
            cell.source = solutions[_grade_id(cell)]
    return nb


def answer_ids(nb) -> list[str]:
    """Grade ids of the answer cells, in notebook order."""
    return [_grade_id(c) for c in nb.cells if is_answer(c)]


def submission_kinds(course: CourseDir, module: str, notebook: str | None = None) -> dict[str, object]:
    """The five submissions of the demo cohort, as notebooks or raw text.

    full: every answer from the solution. blank: the student version untouched.
    partial: the first half of the answers. syntax-error: all answers, one with a syntax
    error. invalid-json: a file that is not JSON at all.
    """
    notebook = notebook or course.notebooks(module)[0]
    source = nbformat.read(course.source / module / f"{notebook}.ipynb", as_version=4)
    student = nbformat.read(course.release / module / f"{notebook}.ipynb", as_version=4)
    sol = answers(source)
    ids = answer_ids(student)
    half = {k: sol[k] for k in ids[: max(1, len(ids) // 2)]}
    broken = dict(sol)
    broken[ids[-1]] = sol[ids[-1]] + "\n    return (  # unclosed bracket\n"
    return {
        "full": fill(student, sol),
        "blank": student,
        "partial": fill(student, half),
        "syntax-error": fill(student, broken),
        "invalid-json": '{"cells": [ this is not json',
    }


def write_submission(course: CourseDir, student: str, module: str, notebook: str,
                     content) -> Path:
    """Write a submission to ``submitted/<student>/<module>/<notebook>.ipynb``."""
    folder = course.submitted / student / module
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{notebook}.ipynb"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        nbformat.write(content, path)
    return path
