"""``safety-course report``: where did the cohort struggle?

Reads the gradebook (scores per test cell) and the status table that ``safety-course
grade`` wrote (``grading-summary.csv``), and writes into ``reports/``:

- ``<module>-exercises.csv``: per exercise, its points and the cohort's mean, median,
  share with full marks and share with zero;
- ``<module>-students.csv``: per student, status, reason and points per exercise;
- ``<module>-report.png``: the score distribution of every exercise (mean marked) beside
  the count of graded / failed / needs-review submissions, viewable without Jupyter.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from .coursedir import CourseDir


def _exercise(grade_id: str) -> str:
    return grade_id.removesuffix("-visible").removesuffix("-hidden")


def scores(course: CourseDir, module: str) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """(max points per exercise, {student: {exercise: points}}) from the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    maxima: dict[str, float] = defaultdict(float)
    per_student: dict[str, dict[str, float]] = {}
    with Gradebook(course.db_url) as gb:
        try:
            assignment = gb.find_assignment(module)
        except MissingEntry:
            return {}, {}
        for nb in assignment.notebooks:
            for cell in nb.grade_cells:
                if cell.max_score:
                    maxima[_exercise(cell.name)] += float(cell.max_score)
        for sub in assignment.submissions:
            got: dict[str, float] = defaultdict(float)
            for nb in sub.notebooks:
                for grade in nb.grades:
                    if grade.max_score:
                        got[_exercise(grade.name)] += float(grade.score or 0)
            per_student[sub.student.id] = dict(got)
    return dict(maxima), per_student


def _statuses(summary: Path | None, module: str) -> dict[str, dict]:
    if not summary or not Path(summary).is_file():
        return {}
    with open(summary, newline="") as fh:
        return {row["student"]: row for row in csv.DictReader(fh) if row["module"] == module}


def write(course: CourseDir, module: str, *, summary: Path | None = None,
          into: Path | None = None) -> dict[str, Path]:
    """Write the module's cohort report; return the paths written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    into = Path(into or course.root / "reports")
    into.mkdir(parents=True, exist_ok=True)
    summary = summary or course.root / "grading-summary.csv"
    maxima, per_student = scores(course, module)
    statuses = _statuses(summary, module)
    exercises = list(maxima)
    students = sorted(set(per_student) | set(statuses))
    # only submissions with a recorded score count towards the distributions
    scored = [s for s in per_student
              if statuses.get(s, {}).get("status", "graded") != "failed"]

    ex_path = into / f"{module}-exercises.csv"
    with ex_path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["exercise", "points", "submissions", "mean", "median",
                    "share_full_marks", "share_zero"])
        for ex in exercises:
            vals = np.array([per_student[s].get(ex, 0.0) for s in scored], dtype=float)
            if len(vals):
                w.writerow([ex, f"{maxima[ex]:g}", len(vals), f"{vals.mean():.2f}",
                            f"{np.median(vals):.2f}", f"{np.mean(vals >= maxima[ex]):.2f}",
                            f"{np.mean(vals == 0):.2f}"])
            else:
                w.writerow([ex, f"{maxima[ex]:g}", 0, "", "", "", ""])

    st_path = into / f"{module}-students.csv"
    with st_path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["student", "status", "score", "max_score", "reason", *exercises])
        for s in students:
            row = statuses.get(s, {})
            pts = per_student.get(s, {})
            w.writerow([s, row.get("status", "graded"), row.get("score", ""),
                        row.get("max_score", ""), row.get("reason", ""),
                        *[f"{pts[e]:g}" if s in scored and e in pts else "" for e in exercises]])

    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 0.9 + 0.6 * max(3, len(exercises))),
                                  gridspec_kw={"width_ratios": [3, 1]})
    rng = np.random.default_rng(0)
    for i, ex in enumerate(exercises):
        frac = np.array([per_student[s].get(ex, 0.0) / maxima[ex] for s in scored])
        if len(frac):
            ax.scatter(frac, i + rng.uniform(-0.18, 0.18, len(frac)), s=14, alpha=0.5,
                       color="#4477aa")
            ax.plot([frac.mean()] * 2, [i - 0.3, i + 0.3], color="#cc3311", lw=2)
            ax.text(1.04, i, f"mean {frac.mean():.0%}, zero {np.mean(frac == 0):.0%}",
                    va="center", fontsize=8)
    ax.set_yticks(range(len(exercises)), [f"{e} ({maxima[e]:g} pts)" for e in exercises])
    ax.invert_yaxis()
    ax.set_xlim(-0.05, 1.45)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0", "25%", "50%", "75%", "100%"])
    ax.set_xlabel("share of the exercise's points (one dot per scored submission; red: mean)")
    ax.set_title(f"{module}: which exercise did the cohort struggle with?", loc="left")
    counts = defaultdict(int)
    for s in students:
        counts[statuses.get(s, {}).get("status", "graded")] += 1
    labels = ["graded", "needs review", "failed"]
    ax2.barh(labels, [counts[k] for k in labels], color=["#228833", "#ccbb44", "#cc3311"])
    for k, label in enumerate(labels):
        ax2.text(counts[label], k, f" {counts[label]}", va="center")
    ax2.invert_yaxis()
    ax2.set_title(f"{len(students)} submissions", loc="left")
    for a in (ax, ax2):
        a.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    fig_path = into / f"{module}-report.png"
    fig.savefig(fig_path, dpi=110)
    plt.close(fig)
    return {"figure": fig_path, "exercises": ex_path, "students": st_path}
