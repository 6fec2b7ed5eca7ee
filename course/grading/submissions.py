"""What the grader reads from a submission: is it gradable, who submitted, what failed.

- :func:`preflight`: every expected notebook is present, is JSON, is a valid notebook, and
  its answer cells match the source's;
- :func:`failures`: the tests that errored, from an autograded notebook;
- :func:`score`: the score the gradebook recorded, and the points waiting for hand grading.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from .coursedir import CourseDir

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


def failures(notebook: Path) -> list[str]:
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


def score(course: CourseDir, student: str, module: str):
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gb:
        sub = gb.find_submission(module, student)
        pending = sum(float(g.max_score) for nb in sub.notebooks for g in nb.grades
                      if g.needs_manual_grade)
        return float(sub.score), float(sub.max_score), pending


def students(course: CourseDir, module: str) -> list[str]:
    """Students with a folder for ``module`` under submitted/, sorted."""
    if not course.submitted.is_dir():
        return []
    return sorted(p.name for p in course.submitted.iterdir() if (p / module).exists())
