"""The corpus of bad m00 submissions (tests/corpus/), graded in one sandboxed batch.

Every submission must end with the status, score and reason in tests/corpus/expected.csv;
hostile ones must also leave no trace on the host: no file written outside the sandbox,
no process left running, the gradebook intact. Then a regrade must leave no stale score
and must not touch the grades of students not being regraded.
"""

import csv
import re
import shutil
import socket
import sqlite3
from pathlib import Path

import nbformat
import pytest

from course.grading import autograde, batch, release, report
from course.grading import sandbox as sbx
from course.grading.worker import FIGURE_ALT
from course.grading.coursedir import make_course_dir

MODULE = "m00-orientation"
CORPUS = Path(__file__).parent / "corpus"
LIMITS = sbx.Limits(memory_mb=2048, cpu_seconds=120, file_mb=64, processes=64,
                    wall_seconds=150, cell_seconds=10)

pytestmark = [pytest.mark.skipif(MODULE not in __import__("conftest").modules(),
                                 reason="m00 is not in solutions/"),
              __import__("conftest").needs_sandbox()]


def _expected():
    with open(CORPUS / "expected.csv", newline="") as fh:
        return {row["student"]: row for row in csv.DictReader(fh)}


def _host_processes(marker: str) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if marker in cmd:
                found.append(cmd)
    return found


@pytest.fixture(scope="module")
def corpus(repo_course, tmp_path_factory):
    try:
        sbx.check_available()
    except sbx.SandboxUnavailable as exc:
        pytest.fail(f"the grading sandbox must work where the tests run: {exc}")
    course = make_course_dir(tmp_path_factory.mktemp("corpus") / "course", repo_course,
                             [MODULE])
    release.write(course, [MODULE])
    shutil.copytree(CORPUS / "submitted", course.submitted)
    # a listener on the host's loopback: the network attack must not reach it
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 47631))
    server.listen()
    try:
        results = autograde.grade(course, MODULE, jobs=2, progress=False, limits=LIMITS)
    finally:
        server.close()
    return course, {r.student: r for r in results}


def test_every_submission_ends_as_expected(corpus):
    _, results = corpus
    expected = _expected()
    assert set(results) == set(expected)
    wrong = []
    for student, row in expected.items():
        r = results[student]
        ok = r.status == row["status"] and row["reason_contains"] in r.reason
        if row["score"]:
            ok = ok and r.score == float(row["score"])
        if row["status"] == autograde.FAILED:
            ok = ok and r.score is None
        if not ok:
            wrong.append(f"{student}: expected {row['status']} {row['score'] or ''} "
                         f"({row['reason_contains']!r}), got {r.status} {r.score} "
                         f"({r.reason!r}; {r.failed_tests[:2]})")
    assert not wrong, "\n".join(wrong)


def test_attacks_leave_no_trace_on_the_host(corpus):
    course, _ = corpus
    assert not list(course.root.rglob("PWNED"))
    for path in (Path("/root/PWNED"), Path("/work/main/PWNED"), Path("/PWNED")):
        assert not path.exists(), path
    db = sqlite3.connect(course.gradebook)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    assert not _host_processes("sleep 4711") and not _host_processes("sleep 4712")
    # no kernel or worker of the batch survives it
    assert not [p for p in _host_processes("course.grading.sandbox") if str(course.root) in p]


def _output(course, student, grade_id):
    nb = nbformat.read(course.autograded / student / MODULE / f"{MODULE}.ipynb", 4)
    cell = next(c for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    return "".join(o.get("text", "") for o in cell.outputs)


def test_limits_stop_the_bombs(corpus):
    course, _ = corpus
    mem = _output(course, "hostile-memory-bomb", "m00-risk-register")
    assert "memory stopped at" in mem
    assert int(mem.split("memory stopped at")[1].split()[0]) <= LIMITS.memory_mb
    assert "hidden tests visible: False" in _output(course, "hostile-reads-hidden-tests",
                                                    "m00-risk-register")
    assert "fork stopped after" in _output(course, "hostile-fork-bomb", "m00-risk-register")
    writes = _output(course, "hostile-writes-outside", "m00-risk-register")
    assert "/work/main/gradebook.db" in writes and "/root/PWNED" in writes


def test_feedback_is_per_student_and_redacted(corpus):
    course, results = corpus
    graded = {s for s, r in results.items() if r.status != autograde.FAILED and r.score is not None}
    pages = {p.parts[-3] for p in course.feedback.glob(f"*/{MODULE}/*.html")}
    assert pages == graded
    for student in graded:
        text = (course.feedback / student / MODULE / f"{MODULE}.html").read_text()
        assert "BEGIN HIDDEN TESTS" not in text
        assert not re.search(r"<img(?![^>]*\salt=)", text), "a figure without alt text"
        others = [s for s in results if s != student and len(s) > 12]
        assert not any(f"/{s}/" in text for s in others)
    full = (course.feedback / "honest-full" / MODULE / f"{MODULE}.html").read_text()
    assert f'<img alt="{FIGURE_ALT}"' in full  # the worker's fast path, not the fallback


def test_regrade_leaves_no_stale_score_and_touches_nobody_else(corpus):
    course, results = corpus

    def grades(exclude):
        from nbgrader.api import Gradebook

        rows = []
        with Gradebook(course.db_url) as gb:
            for sub in gb.find_assignment(MODULE).submissions:
                if sub.student.id in exclude:
                    continue
                for nb in sub.notebooks:
                    rows += [(sub.student.id, g.name, g.auto_score, g.manual_score)
                             for g in nb.grades]
        return sorted(rows, key=str)

    before = grades({"honest-full", "honest-blank"})
    assert any(r[0] == "honest-exception" for r in before)
    # honest-full resubmits a broken file; honest-blank resubmits the full solution
    nb = course.submitted / "honest-full" / MODULE / f"{MODULE}.ipynb"
    nb.write_text("{ not json")
    shutil.copy(CORPUS / "submitted" / "honest-full" / MODULE / f"{MODULE}.ipynb",
                course.submitted / "honest-blank" / MODULE / f"{MODULE}.ipynb")
    backups = set(course.root.glob("gradebook.db.bak-*"))
    again = {r.student: r for r in autograde.grade(
        course, MODULE, only=["honest-full", "honest-blank"], jobs=2, progress=False,
        limits=LIMITS)}
    assert again["honest-full"].status == autograde.FAILED
    assert again["honest-blank"].score == float(_expected()["honest-full"]["score"])
    assert set(course.root.glob("gradebook.db.bak-*")) - backups, "no backup was made"
    assert grades({"honest-full", "honest-blank"}) == before
    assert not any(r[0] == "honest-full" for r in grades(set()))
    assert not (course.autograded / "honest-full" / MODULE).exists()
    assert not (course.feedback / "honest-full" / MODULE).exists()
    # the cohort report reads the gradebook and the status table
    results.update(again)
    path = autograde.export(course, list(results.values()))
    out = report.write(course, MODULE, summary=path, into=course.root / "reports")
    assert out["figure"].stat().st_size > 10_000
    text = out["exercises"].read_text()
    assert "m00-risk-register" in text and "mean" in text.splitlines()[0]


def test_grading_refuses_without_a_sandbox(corpus, monkeypatch):
    course, _ = corpus

    def broken():
        raise sbx.SandboxUnavailable("bubblewrap is not installed")

    monkeypatch.setattr(sbx, "check_available", broken)
    with pytest.raises(autograde.GradingRefused, match="bubblewrap is not installed"):
        autograde.grade(course, MODULE, only=["honest-exception"], progress=False)
    with pytest.raises(autograde.GradingRefused):
        batch.run(course, MODULE, only=["honest-exception"], progress=False)


def test_outputs_are_capped_in_notebook_and_feedback(corpus):
    course, results = corpus
    # (honest-full may have been regraded into failure by an earlier test of this module)
    assert results["honest-one-huge-line"].score == float(_expected()["honest-full"]["score"])
    page = course.feedback / "honest-one-huge-line" / MODULE / f"{MODULE}.html"
    graded = course.autograded / "honest-one-huge-line" / MODULE / f"{MODULE}.ipynb"
    assert page.stat().st_size < 2_000_000 and graded.stat().st_size < 2_000_000
    assert "more characters of this output were cut" in page.read_text()
    assert "[stderr] debug: calling" in _output(course, "honest-stderr-debug",
                                                "m00-risk-register-visible")
