"""``safety-course demo``: an instructor's first five minutes.

Builds a five-student cohort in a temporary course directory, grades it with the embedded
sqlite gradebook, and prints the table. Nothing in the real course directory changes.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from . import autograde, cohort, release
from .coursedir import CourseDir, make_course_dir

STUDENTS = {
    "ada-full": "full",
    "ben-blank": "blank",
    "cy-partial": "partial",
    "dee-syntax-error": "syntax-error",
    "eve-invalid-json": "invalid-json",
}


def run(source: CourseDir, module: str = "m00-orientation", *, jobs: int = 2,
        keep: Path | None = None, progress: bool = True) -> list[autograde.Result]:
    """Grade the demo cohort of ``module``; keep the course directory at ``keep`` if given."""
    tmp = Path(tempfile.mkdtemp(prefix="safety-demo-"))
    try:
        course = make_course_dir(tmp / "course", source, [module])
        release.write(course, [module])
        notebook = course.notebooks(module)[0]
        kinds = cohort.submission_kinds(course, module, notebook)
        for student, kind in STUDENTS.items():
            cohort.write_submission(course, student, module, notebook, kinds[kind])
        # the demo grades its own synthetic notebooks: sandboxed where possible
        results = autograde.grade(course, module, jobs=jobs, progress=progress,
                                  allow_unsandboxed=True)
        autograde.export(course, results)
        if keep:
            shutil.copytree(course.root, keep, dirs_exist_ok=True)
        return results
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
