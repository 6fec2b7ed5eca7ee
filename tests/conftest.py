"""Shared fixtures. Figures must reach notebook outputs, so MPLBACKEND is cleared."""

import os
from pathlib import Path

import pytest

os.environ.pop("MPLBACKEND", None)

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_course():
    from course.grading.coursedir import CourseDir

    return CourseDir(REPO)


def modules():
    """Every module found in solutions/: the round trip needs no per-module code."""
    from course.grading.coursedir import CourseDir

    return CourseDir(REPO).modules()
