"""Grade every submission of a module, one at a time or in parallel, and never stop early.

Each submission ends with a status (graded, failed, needs review) and a reason:

1. preflight here: every expected notebook is present, is JSON, and is a valid notebook;
2. autograde and feedback in a worker, the notebook in the sandboxed kernel
   (:mod:`course.grading.batch`);
3. the gradebook's score, and the failing tests' messages from the autograded notebook.

One broken submission ends with status ``failed`` and a reason; the others are graded.
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from .coursedir import CourseDir
from .sandbox import Limits

GRADED, FAILED, REVIEW = "graded", "failed", "needs review"

SUBMISSION_TIMEOUT = 900
"""Seconds one submission's notebook may run (wall clock) before it is stopped."""


class GradingRefused(RuntimeError):
    """Grading will not start; the message says why and what to do."""


@dataclass
class Result:
    """How one student's submission of one module ended."""

    student: str
    module: str
    status: str
    score: float | None = None
    max_score: float | None = None
    reason: str = ""
    failed_tests: list[str] = field(default_factory=list)
    pending: float = 0.0
    """Points of written answers that wait for hand grading (not in ``score`` yet)."""

    def row(self) -> dict:
        d = asdict(self)
        d["failed_tests"] = "; ".join(self.failed_tests)
        return d


def preflight(course: CourseDir, student: str, module: str) -> str | None:
    """Why this submission cannot be autograded, or None if it can."""
    folder = course.submitted / student / module
    if not folder.is_dir():
        return f"no folder submitted/{student}/{module}"
    for name in course.notebooks(module):
        path = folder / f"{name}.ipynb"
        if not path.is_file():
            found = ", ".join(p.name for p in folder.glob("*.ipynb")) or "no notebooks"
            return f"{name}.ipynb is missing (found: {found})"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            return f"{name}.ipynb is not text (is it a notebook?)"
        except json.JSONDecodeError as exc:
            return f"{name}.ipynb is not valid JSON (line {exc.lineno}: {exc.msg})"
        try:
            nb = nbformat.from_dict(raw)
            if nb.get("nbformat") != 4:
                nb = nbformat.convert(nb, 4)
            nbformat.validate(nb)
        except Exception as exc:  # nbformat raises several kinds
            msg = str(exc).splitlines()[0][:200]
            return f"{name}.ipynb is not a valid notebook ({msg})"
        problem = _cells_problem(course, module, name, nb)
        if problem:
            return f"{name}.ipynb: {problem}"
    return None


def _cells_problem(course: CourseDir, module: str, name: str, nb) -> str | None:
    """Why nbgrader could not match this notebook's cells to the source's, or None."""
    source = course.source / module / f"{name}.ipynb"
    if not source.is_file():
        return None
    ids = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells]
    seen, dup = set(), []
    for gid in ids:
        if gid and gid in seen and gid not in dup:
            dup.append(gid)
        seen.add(gid)
    if dup:
        return (f"cell {', '.join(dup)} appears more than once (a copied cell); delete the "
                "copy and submit again")
    src = nbformat.read(source, as_version=4)
    answers = [c.metadata.nbgrader["grade_id"] for c in src.cells
               if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
    missing = [a for a in answers if a not in seen]
    if not nb.cells and answers:
        return "the notebook is empty"
    if missing and len(missing) == len(answers):
        return ("no answer cell of the assignment is in it (cells deleted, or their nbgrader "
                "metadata stripped, e.g. by another editor); grade by hand or ask for a "
                "resubmission")
    if missing:
        return (f"answer cell {', '.join(missing)} is missing (deleted, or its metadata "
                "stripped); nbgrader cannot grade the notebook without it")
    return None


def _failures(notebook: Path) -> list[str]:
    """'grade_id: message' for each answer or test cell that errored in an autograded notebook."""
    out = []
    if not notebook.is_file():
        return out
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not ((meta.get("grade") or meta.get("solution")) and cell.cell_type == "code"):
            continue
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                msg = f"{o.get('ename')}: {o.get('evalue', '')}".splitlines()[0]
                out.append(f"{meta.get('grade_id')}: {msg[:160]}")
                break
            if o.get("output_type") == "stream" and o.get("name") == "stderr":
                out.append(f"{meta.get('grade_id')}: wrote to stderr (scored zero)")
                break
    return out


def summarise(failures: list[str]) -> str:
    """One short phrase per exercise that lost points, e.g. 'm00-prioritise not started'."""
    by_exercise: dict[str, str] = {}
    for line in failures:
        grade_id, _, msg = line.partition(": ")
        exercise = grade_id.removesuffix("-visible").removesuffix("-hidden")
        ename = msg.split(":")[0]
        if exercise not in by_exercise:
            by_exercise[exercise] = "not started" if ename == "NotImplementedError" else ename
    return ", ".join(f"{k} ({v})" for k, v in by_exercise.items())


def _score(course: CourseDir, student: str, module: str):
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gb:
        sub = gb.find_submission(module, student)
        pending = sum(float(g.max_score) for nb in sub.notebooks for g in nb.grades
                      if g.needs_manual_grade)
        return float(sub.score), float(sub.max_score), pending


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


def students(course: CourseDir, module: str) -> list[str]:
    """Students with a folder for ``module`` under submitted/, sorted."""
    if not course.submitted.is_dir():
        return []
    return sorted(p.name for p in course.submitted.iterdir() if (p / module).exists())


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


def table(results: list[Result]) -> str:
    """A plain-text summary table, one row per submission."""
    rows = [("student", "module", "status", "score", "reason")]
    for r in results:
        score = "-" if r.score is None else f"{r.score:g} / {r.max_score:g}"
        if r.pending:
            score += f" (+{r.pending:g} by hand)"
        why = r.reason or ("lost points: " + summarise(r.failed_tests) if r.failed_tests
                           else "all tests passed")
        rows.append((r.student, r.module, r.status, score, why))
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    lines = []
    for k, row in enumerate(rows):
        lines.append("  ".join(str(v).ljust(w) for v, w in zip(row[:4], widths)) + "  " + row[4])
        if k == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 20)
    return "\n".join(lines)
