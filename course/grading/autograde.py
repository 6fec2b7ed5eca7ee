"""Grade every submission of a module, one at a time or in parallel, and never stop early.

Each submission ends with a status (graded, failed, needs review) and a reason:

1. preflight (:mod:`course.grading.submissions`): every expected notebook is present, is
   JSON, and is a valid notebook;
2. autograde and feedback in a worker, the notebook in the sandboxed kernel
   (:mod:`course.grading.batch`);
3. the gradebook's score, and the failing tests' messages from the autograded notebook.

One broken submission ends with status ``failed`` and a reason; the others are graded.
"""

from __future__ import annotations

import csv
from pathlib import Path

from .coursedir import CourseDir
from .results import (  # noqa: F401  (re-exported: the public names of grading)
    FAILED,
    GRADED,
    REVIEW,
    SUBMISSION_TIMEOUT,
    GradingRefused,
    Result,
    summarise,
    table,
)
from .sandbox import Limits
from .submissions import failures as _failures  # noqa: F401
from .submissions import preflight, students  # noqa: F401
from .submissions import score as _score  # noqa: F401

def grade_one(course: CourseDir, student: str, module: str,
              timeout: float = SUBMISSION_TIMEOUT, **options) -> Result:
    """Autograde and give feedback to one submission; always returns a Result.

    The same path as :func:`grade` (sandbox, guards, one gradebook writer) for one student.
    """
    try:
        return grade(course, module, only=[student], jobs=1, progress=False,
                     timeout=timeout, **options)[0]
    except GradingRefused:
        raise
    except Exception as exc:  # a Result, always
        return Result(student, module, FAILED, reason=f"grader error: {exc}")


def grade(course: CourseDir, module: str, *, only: list[str] | None = None, jobs: int = 1,
          progress: bool = True, timeout: float | None = None,
          limits: Limits | None = None, sandbox: bool = True,
          allow_unsandboxed: bool = False, backup: bool = True) -> list[Result]:
    """Grade the module's submissions (all, or the students in ``only``), ``jobs`` at a time.

    Every submission runs in a private course directory in a worker process, its notebook
    in the sandboxed kernel; the scores are then recorded here, one at a time, into the
    course's gradebook (backed up first). Without a working sandbox this raises
    :class:`GradingRefused`, unless ``allow_unsandboxed`` (or ``sandbox=False``) is given.
    """
    from . import batch

    return batch.run(course, module, only=only, jobs=jobs, progress=progress,
                     timeout=timeout, limits=limits, sandbox=sandbox,
                     allow_unsandboxed=allow_unsandboxed, backup=backup)


def export(course: CourseDir, results: list[Result], path: Path | None = None) -> Path:
    """Write the per-student status table as CSV (and nbgrader's grades.csv beside it)."""
    path = Path(path or course.root / "grading-summary.csv")
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(Result.__dataclass_fields__))
        writer.writeheader()
        for r in results:
            writer.writerow(r.row())
    if course.gradebook.is_file():  # nbgrader's own CSV export, in this process
        from nbgrader.api import Gradebook
        from nbgrader.plugins import CsvExportPlugin

        with Gradebook(course.db_url) as gb:
            CsvExportPlugin(to=str(course.root / "grades.csv")).export(gb)
    return path
