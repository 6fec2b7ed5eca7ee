"""The learner's `safety-course check` on a real student notebook."""

import shutil

import nbformat

from course import selfcheck
from course.cli import main
from course.grading import cohort


def test_check_reports_each_exercise_of_a_partial_notebook(repo_course, tmp_path, capsys):
    module = "m00-orientation"
    shutil.copytree(repo_course.release / module, tmp_path / module)
    path = tmp_path / module / f"{module}.ipynb"
    source = nbformat.read(repo_course.source / module / f"{module}.ipynb", 4)
    student = nbformat.read(path, 4)
    ids = cohort.answer_ids(student)
    answers = cohort.answers(source)
    answers[ids[1]] = answers[ids[1]].replace("-r[\"likelihood\"]", "r[\"likelihood\"]")
    nbformat.write(cohort.fill(student, {k: answers[k] for k in ids[:2]}), path)
    assert main(["-q", "check", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{selfcheck.SYMBOL[selfcheck.PASSED]} {ids[0]}" in out
    assert f"{selfcheck.SYMBOL[selfcheck.FAILED]} {ids[1]}" in out
    assert f"{selfcheck.SYMBOL[selfcheck.NOT_STARTED]} {ids[2]}" in out
    assert "1 of 4 exercises pass" in out


def test_check_explains_a_missing_file(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope.ipynb")]) == 2
    assert "no notebook at" in capsys.readouterr().err
