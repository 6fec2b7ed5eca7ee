"""deploy/kubernetes/ stays in step with the chart's keys and the one-machine hub.

Nothing here runs a cluster: it runs the folder's own offline checks on a generated
300-student roster, so an edit to setup.sh's role config or to values.yaml that the checks
would catch fails here instead of on a cluster.
"""

import subprocess
import sys

from conftest import REPO

KUBE = REPO / "deploy" / "kubernetes"


def _run(*args, **kw):
    return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True,
                          timeout=120, **kw)


def test_values_pass_the_offline_checks_with_a_300_student_roster(tmp_path):
    rows = ["name,role,uid", "ines,instructor,20000", "gus,grader,20001"]
    rows += [f"s{i:03d},student,{21000 + i}" for i in range(300)]
    (tmp_path / "roster.csv").write_text("\n".join(rows) + "\n")
    made = _run(KUBE / "roster.py", tmp_path / "roster.csv")
    assert made.returncode == 0, made.stderr
    (tmp_path / "roster-values.yaml").write_text(made.stdout)
    checked = _run(KUBE / "check_values.py", tmp_path / "roster-values.yaml")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.rstrip().endswith("ok")


def test_a_bad_roster_is_refused_with_the_line_named(tmp_path):
    (tmp_path / "roster.csv").write_text("name,role,uid\nines,instructor,20000\n"
                                         "bo,student,12\nbo,student,20002\n")
    made = _run(KUBE / "roster.py", tmp_path / "roster.csv")
    assert made.returncode == 1
    assert "line 3: uid '12'" in made.stderr and "appears twice" in made.stderr
