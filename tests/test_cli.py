"""The learner's `safety-course check` on a real student notebook."""

import shutil

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course import selfcheck
from course.cli import main
from course.cli import build_parser
from course.grading import cohort
from course.grading.nbconfig import CODE_STUB, STUB_MESSAGE, TEXT_STUB


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
    assert main(["check", "-q", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{selfcheck.SYMBOL[selfcheck.PASSED]} {ids[0]}" in out
    assert f"{selfcheck.SYMBOL[selfcheck.FAILED]} {ids[1]}" in out
    assert f"{selfcheck.SYMBOL[selfcheck.NOT_STARTED]} {ids[2]}" in out
    autograded = [c for c in student.cells if c.metadata.get("nbgrader", {}).get("solution")
                  and not c.metadata["nbgrader"].get("grade") and c.cell_type == "code"]
    assert f"1 of {len(autograded)} exercises pass" in out


def test_check_explains_a_missing_file(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope.ipynb")]) == 2
    assert "no notebook at" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["check", "-q", "nb.ipynb"], ["-q", "check", "nb.ipynb"],
                                  ["check", "nb.ipynb", "--quiet"]])
def test_quiet_parses_before_or_after_the_command(argv):
    args = build_parser().parse_args(argv)
    assert args.quiet is True and args.notebook == "nb.ipynb"


def test_quiet_is_off_unless_given():
    assert build_parser().parse_args(["check", "nb.ipynb"]).quiet is False
    assert build_parser().parse_args(["grade", "-q"]).quiet is True


def _cell(source, grade_id, *, solution=False, grade=False, error=None, markdown=False):
    cell = (new_markdown_cell if markdown else new_code_cell)(source)
    cell.metadata["nbgrader"] = {"grade_id": grade_id, "solution": solution, "grade": grade,
                                 "locked": not solution, "schema_version": 3}
    if error and not markdown:
        cell.outputs = [new_output("error", ename=error[0], evalue=error[1], traceback=[])]
    return cell


def _statuses(items):
    return {ex.grade_id: (ex.status, ex.answered, ex.message) for ex in items}


def test_written_answers_are_graded_by_hand_not_failed_tests():
    stub = ("NotImplementedError", STUB_MESSAGE)
    nb = new_notebook(cells=[
        # a decision exercise: an ordinary answer cell with its tests
        _cell("def decide(o):\n    return Decision('A')", "m9-decide", solution=True),
        _cell("check.decision(decide(o), ...)", "m9-decide-visible", grade=True),
        _cell("", "m9-decide-hidden", grade=True),
        # a written answer left as the stub; its own test then fails with a NameError
        _cell(CODE_STUB, "m9-memo", solution=True, grade=True, error=stub),
        _cell("check.traced(ANSWER)", "m9-memo-visible", grade=True,
              error=("NameError", "name 'ANSWER' is not defined")),
        # a written answer, answered
        _cell('ANSWER = """Ship A: its ASR is 0.03."""', "m9-why", solution=True, grade=True),
        _cell("check.traced(ANSWER)", "m9-why-visible", grade=True),
        # markdown written answers
        _cell(TEXT_STUB, "m9-essay", solution=True, grade=True, markdown=True),
        _cell("Because the budget binds.", "m9-essay2", solution=True, grade=True,
              markdown=True),
        # an answered written answer whose own visible test fails
        _cell('ANSWER = "about 7"', "m9-claim", solution=True, grade=True),
        _cell("check.traced(ANSWER)", "m9-claim-visible", grade=True,
              error=("CheckFailed", "Check failed: every number in the answer should trace.")),
    ])
    items = selfcheck.exercises(nb)
    got = _statuses(items)
    assert got["m9-decide"] == (selfcheck.PASSED, True, "")
    assert got["m9-memo"][:2] == (selfcheck.WRITTEN, False)
    assert got["m9-why"] == (selfcheck.WRITTEN, True, "")
    assert got["m9-essay"][:2] == (selfcheck.WRITTEN, False)
    assert got["m9-essay2"][:2] == (selfcheck.WRITTEN, True)
    assert got["m9-claim"] == (selfcheck.FAILED, True,
                               "Check failed: every number in the answer should trace.")
    text = selfcheck.report(items)
    assert "m9-memo" in text and "written: graded by hand (not started)" in text
    assert f"{selfcheck.SYMBOL[selfcheck.WRITTEN]} m9-why" in text
    assert "written: graded by hand (answered)" in text
    assert "CheckFailed: Check failed" not in text
    assert "1 of 1 exercises pass their visible tests. 5 written answers are graded by hand " \
           "(3 answered)." in text
    assert [ex.ok for ex in items] == [True, False, True, False, True, False]


def test_tests_belong_to_their_answer_by_grade_id_and_answer_cell_errors_are_named():
    nb = new_notebook(cells=[
        _cell("def f(:", "m9-f", solution=True, error=("SyntaxError", "invalid syntax")),
        _cell("check.equal(f(1), 2)", "m9-f-visible", grade=True,
              error=("NameError", "name 'f' is not defined")),
        _cell("def g(x):\n    return x", "m9-g", solution=True),
        _cell("check.equal(g(1), 1)", "m9-g-visible", grade=True),
        # split hidden tests of f, placed after g: still f's (and not run in the student copy)
        _cell("check.raises(ValueError, g, -1)", "m9-g-hidden-validation", grade=True,
              error=("CheckFailed", "Check failed: g(-1) should raise ValueError.")),
        _cell("THRESHOLD = ...\n" + CODE_STUB, "m9-t", solution=True,
              error=("NotImplementedError", STUB_MESSAGE)),
    ])
    nb.cells += [
        # a decision whose review an unanswered exercise above should have built
        _cell("def decide(review):\n    " + CODE_STUB, "m9-decide", solution=True),
        _cell("decide(review)", "m9-decide-visible", grade=True,
              error=("NameError", "name 'review' is not defined")),
        _cell("def h(review):\n    return 1", "m9-h", solution=True),
        _cell("h(review)", "m9-h-visible", grade=True,
              error=("NameError", "name 'review' is not defined")),
    ]
    got = _statuses(selfcheck.exercises(nb))
    assert got["m9-decide"][0] == selfcheck.NOT_STARTED
    assert got["m9-h"][0] == selfcheck.FAILED and "answer the exercises above first" in \
        got["m9-h"][2]
    assert got["m9-f"] == (selfcheck.FAILED, True,
                           "your answer cell raised SyntaxError: invalid syntax")
    assert got["m9-g"][0] == selfcheck.FAILED and "should raise ValueError" in got["m9-g"][2]
    assert got["m9-t"][0] == selfcheck.NOT_STARTED


SCRATCH = [
    ("from course import check", None, {}),
    ("def double(x):\n    return 2 * x", "sc-double", dict(solution=True)),
    ("check.equal([double(i) for i in range(20)], [2 * i for i in range(19)] + [0], "
     "what='double on 0..19')\ncheck.done()", "sc-double-visible", dict(grade=True)),
    (CODE_STUB, "sc-memo", dict(solution=True, grade=True)),
    ('ANSWER = "Twice the input."', "sc-why", dict(solution=True, grade=True)),
]


def test_check_runs_a_notebook_with_written_answers(tmp_path, capsys):
    cells = []
    for source, grade_id, kinds in SCRATCH:
        cells.append(_cell(source, grade_id, **kinds) if grade_id else new_code_cell(source))
    path = tmp_path / "scratch.ipynb"
    nbformat.write(new_notebook(cells=cells), path)
    assert main(["check", "-q", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.err == ""
    print(captured.out)
    out = " ".join(captured.out.split())  # messages are wrapped
    assert "sc-double" in out and "First difference at index 19: expected [..., 34, 36, 0], " \
                                  "got [..., 34, 36, 38]" in out
    assert "written: graded by hand (not started)" in out
    assert "written: graded by hand (answered)" in out
    assert "0 of 1 exercises pass" in out and "2 written answers are graded by hand" in out
