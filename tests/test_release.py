"""assignments/ is exactly what nbgrader generates from solutions/, and leaks nothing."""

import json

import pytest

from conftest import modules
from course.grading import release
from course.grading.nbconfig import STUB_MESSAGE


@pytest.mark.parametrize("module", modules())
def test_assignments_equal_generation(repo_course, module):
    problems = release.check(repo_course, [module])[module]
    assert not problems, ("assignments/ is stale; run `safety-course release`:\n"
                          + "\n".join(problems))


def _split(nb):
    """(lines inside solution and hidden-test regions, lines outside them)."""
    secret, public = set(), set()
    for cell in nb["cells"]:
        inside = False
        for line in "".join(cell["source"]).splitlines():
            if "### BEGIN SOLUTION" in line or "### BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "### END SOLUTION" in line or "### END HIDDEN TESTS" in line:
                inside = False
            else:
                (secret if inside else public).add(line.strip())
    return secret, public


@pytest.mark.parametrize("module", modules())
def test_no_solution_or_hidden_test_in_assignments(repo_course, module):
    source = json.loads((repo_course.source / module / f"{module}.ipynb").read_text())
    secret, public = _split(source)
    # a line that also stands outside the regions (narrative, a visible test) is no secret
    secret = {line for line in secret - public if len(line) > 20}
    assert secret, f"{module} has no solution or hidden-test regions"
    for path in (repo_course.release / module).rglob("*"):
        if not path.is_file():
            continue
        text = path.read_text(errors="ignore")
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text, path
        if path.suffix == ".ipynb":
            nb = json.loads(text)
            text = "\n".join("".join(c["source"]) for c in nb["cells"])
        leaked = sorted(secret & {line.strip() for line in text.splitlines()})
        assert not leaked, f"{path} contains solution or hidden-test lines: {leaked[:3]}"
        if path.suffix == ".ipynb":
            assert STUB_MESSAGE in text, f"{path} has no stub"


def test_check_names_a_stale_module(repo_course, tmp_path):
    import shutil

    from course.grading.coursedir import CourseDir

    course = CourseDir(tmp_path / "course")
    shutil.copytree(repo_course.source / "m00-orientation",
                    course.source / "m00-orientation")
    (course.root / "nbgrader_config.py").write_text(
        (repo_course.root / "nbgrader_config.py").read_text())
    assert release.check(course)["m00-orientation"] == ["assignments/m00-orientation does not exist"]
    release.write(course)
    assert release.check(course) == {"m00-orientation": []}
    nb = course.release / "m00-orientation" / "m00-orientation.ipynb"
    nb.write_text(nb.read_text().replace("Exercise 1", "Exercise One"))
    assert release.check(course)["m00-orientation"] == [
        "differs from generation: m00-orientation.ipynb"]
    from course.cli import main
    assert main(["--course", str(course.root), "release", "--check"]) == 1
