"""Every module in solutions/, graded end to end by nbgrader, with no per-module code.

- the solution, submitted as a student, scores full marks;
- the generated student notebook scores zero, and the grader does not crash on it;
- a partly answered notebook gets partial credit;
- the student notebook runs cleanly up to its first answer cell, and after that fails only
  with the stub's message (or a NameError that an unanswered exercise causes);
- feedback never shows hidden-test source.
"""

import html
import os
import re
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import modules, sandbox_problem
from course.grading import autograde, cohort, release
from course.grading.coursedir import make_course_dir
from course.grading.nbconfig import STUB_MESSAGE

MODULES = modules()


@pytest.fixture(scope="module", params=MODULES)
def graded(request, repo_course, tmp_path_factory):
    module = request.param
    course = make_course_dir(tmp_path_factory.mktemp(module) / "course", repo_course, [module])
    release.write(course, [module])
    notebook = course.notebooks(module)[0]
    kinds = cohort.submission_kinds(course, module, notebook)
    for kind in ("full", "blank", "partial"):
        cohort.write_submission(course, kind, module, notebook, kinds[kind])
    # the course's own notebooks need no sandbox: without bubblewrap they run unsandboxed
    # (the report header says so once); in CI a missing sandbox fails here
    unsandboxed = sandbox_problem() is not None and not os.environ.get("CI")
    results = {r.student: r for r in autograde.grade(course, module, jobs=2, progress=False,
                                                     sandbox=not unsandboxed)}
    return module, course, results


def test_solution_scores_full_marks(graded):
    module, _, results = graded
    r = results["full"]
    assert r.status == autograde.GRADED, r.reason
    assert r.max_score and r.max_score > 0
    # written answers wait for hand grading: full marks is every autograded point
    assert r.score == r.max_score - r.pending, \
        f"{module}: the solution lost points: {r.failed_tests}"


def test_student_version_scores_zero_without_crashing(graded):
    module, _, results = graded
    r = results["blank"]
    assert r.status == autograde.GRADED, f"{module}: the grader failed on the blank: {r.reason}"
    assert r.score == 0, f"{module}: the blank student version scored {r.score}"


def test_partial_submission_gets_partial_credit(graded):
    module, _, results = graded
    r = results["partial"]
    assert r.status == autograde.GRADED, r.reason
    assert 0 < r.score < r.max_score - r.pending, \
        f"{module}: partial scored {r.score} of {r.max_score}"


def _region_lines(source_nb, begin, end):
    lines = set()
    for cell in source_nb.cells:
        inside = False
        for line in cell.source.splitlines():
            if begin in line:
                inside = True
            elif end in line:
                inside = False
            elif inside and len(line.strip()) > 25:
                lines.add(line.strip())
    return lines


def test_feedback_has_no_hidden_test_source(graded):
    module, course, results = graded
    source = nbformat.read(course.source / module / f"{course.notebooks(module)[0]}.ipynb", 4)
    student = nbformat.read(course.release / module / f"{course.notebooks(module)[0]}.ipynb", 4)
    # a line that also stands in the student's notebook or in an answer is no secret
    public = {ln.strip() for c in student.cells for ln in c.source.splitlines()}
    public |= _region_lines(source, "BEGIN SOLUTION", "END SOLUTION")
    hidden = _region_lines(source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS") - public
    assert hidden, f"{module} has no hidden tests"
    # the autograded notebook does hold them, so this test would see a leak
    graded_nb = nbformat.read(next(course.autograded.glob(f"full/{module}/*.ipynb")), 4)
    assert hidden & {ln.strip() for c in graded_nb.cells for ln in c.source.splitlines()}
    pages = list(course.feedback.glob(f"*/{module}/*.html"))
    assert {p.parts[-3] for p in pages} == {"full", "blank", "partial"}
    for page in pages:
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))
        shown = {line.strip() for line in text.splitlines()}
        leaked = sorted(hidden & shown)
        assert not leaked, f"{page} shows hidden-test lines: {leaked[:3]}"


def test_student_notebook_fails_only_with_the_stub(graded, tmp_path):
    module, course, _ = graded
    work = tmp_path / module
    shutil.copytree(course.release / module, work)
    path = work / f"{course.notebooks(module)[0]}.ipynb"
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, allow_errors=True, kernel_name="python3",
                   resources={"metadata": {"path": str(work)}}).execute()
    first_answer = next(i for i, c in enumerate(nb.cells) if cohort.is_answer(c))
    stub_errors = 0
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                where = f"{module} cell {i} ({cell.source[:60]!r})"
                assert i > first_answer, f"{where} fails before the first answer cell"
                if out["ename"] == "NotImplementedError":
                    assert out["evalue"] == STUB_MESSAGE, f"{where}: {out['evalue']}"
                    stub_errors += 1
                else:
                    assert out["ename"] == "NameError", \
                        f"{where} fails with {out['ename']}: {out['evalue']}"
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                meta = cell.get("metadata", {}).get("nbgrader", {})
                assert not meta.get("grade"), f"{module} test cell {i} writes to stderr"
    # every visible test fails on its stub
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and cell.source.strip():
            errors = [o for o in cell.outputs if o.get("output_type") == "error"]
            assert errors and errors[0]["ename"] in ("NotImplementedError", "NameError"), \
                f"{module}: test {meta['grade_id']} passes on the unanswered notebook"
    assert stub_errors > 0
