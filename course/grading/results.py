"""How a submission's grading ended: the statuses, :class:`Result`, and their summaries.

A module of its own so that the batch (:mod:`course.grading.batch`) and the public entry
points (:mod:`course.grading.autograde`) both use it without importing each other.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

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
