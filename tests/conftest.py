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


_SANDBOX: list = []


def sandbox_problem() -> str | None:
    """Why the grading sandbox cannot start here, or None when it can (asked once)."""
    if not _SANDBOX:
        from course.grading import sandbox

        try:
            sandbox.check_available()
            _SANDBOX.append(None)
        except sandbox.SandboxUnavailable as exc:
            _SANDBOX.append(str(exc))
    return _SANDBOX[0]


def needs_sandbox():
    """A skip mark for tests that attack the sandbox: skipped on a machine without one,
    except in CI (``CI`` set), where a missing sandbox must fail the run."""
    problem = None if os.environ.get("CI") else sandbox_problem()
    return pytest.mark.skipif(problem is not None,
                              reason=f"the grading sandbox cannot start ({problem}); "
                                     "install bubblewrap to run these tests")


def pytest_report_header(config):
    problem = sandbox_problem()
    if problem is None:
        return "grading sandbox: bubblewrap works"
    if os.environ.get("CI"):
        return f"grading sandbox: UNAVAILABLE in CI ({problem}): sandbox tests will fail"
    return (f"grading sandbox: unavailable ({problem}). Round trips grade the course's own "
            "notebooks unsandboxed; the corpus tests, which attack the sandbox, are skipped. "
            "Install bubblewrap to run them.")
