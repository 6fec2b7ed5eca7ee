"""A cohort on a real JupyterHub, end to end (deploy/jupyterhub/).

Runs deploy/jupyterhub/setup.sh into a temporary folder (users hubtest-instructor,
hubtest-grader, hubtest-student1, hubtest-student2; homes, course and exchange in the
folder; the virtualenvs and the proxy cached in /opt/safety-first-ml-hub), starts the hub on
127.0.0.1 and plays a module's round:

- the instructor releases m00-orientation (``nbgrader release_assignment`` as their unix user,
  in the environment their hub server has);
- through the hub, with each student's own API token: their server starts with the
  student's lab extensions (Assignment List, Validate; no Formgrader), they fetch the
  assignment, save answers (one full solution, one partial) with the contents API, Validate,
  and submit;
- the instructor collects, grades with ``safety-course grade`` (sandboxed) and releases the
  feedback; each student fetches their own, with their own score and no hidden test's code;
- permissions: a student cannot open another's server, list the inbound folder, read
  another's submission, the gradebook or solutions/, nor submit as someone else (neither
  with ``--student`` nor with a forged inbound folder, which collect skips);
- the hub stops cleanly (its users' servers with it), and every user and folder made here
  is removed.

Needs root (it creates unix users) and npm; skipped with one line otherwise, except in CI
(``CI`` set), where that is a failure. Run: ``.venv/bin/python -m pytest tests/hub``.
"""

from __future__ import annotations

import html
import json
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from .localhub import Hub, free_ports, ours, remove_users, setup_command, uid_of, user_pids

MODULE = "m00-orientation"
COURSE_ID = "safety-first-ml"   # course/grading/nbconfig.py COURSE_ID (checked below)
PREFIX = "hubtest-"
INSTRUCTOR, GRADER = f"{PREFIX}instructor", f"{PREFIX}grader"
FULL, PARTIAL = f"{PREFIX}student1", f"{PREFIX}student2"
STAFF_GROUP = f"{PREFIX}staff"
SKIP_REASON = ("hub end-to-end test skipped: {problem}; run it as root on a machine with npm "
               "(`sudo .venv/bin/python -m pytest tests/hub`)")


def prerequisites_problem() -> str | None:
    if os.geteuid() != 0:
        return "not root (it creates unix users and runs the hub as root)"
    if not shutil.which("npm") and not os.environ.get("CI"):
        return "npm is missing (apt-get install npm; configurable-http-proxy comes from npm)"
    return None


_problem = prerequisites_problem()
if _problem and not os.environ.get("CI"):
    pytest.skip(SKIP_REASON.format(problem=_problem), allow_module_level=True)


# ------------------------------------------------------------------ helpers

class Clock:
    def __init__(self):
        self.rows: list[tuple[str, float]] = []
        self.t0 = time.monotonic()

    def lap(self, name: str, since: float) -> float:
        took = time.monotonic() - since
        self.rows.append((name, took))
        return took


def wait_ready(hub: Hub, users, timeout=180) -> None:
    deadline = time.monotonic() + timeout
    waiting = set(users)
    while waiting and time.monotonic() < deadline:
        for user in list(waiting):
            model = hub.api("GET", f"/users/{user}").json()
            server = model.get("servers", {}).get("")
            if server and server.get("ready"):
                waiting.discard(user)
        time.sleep(0.5)
    assert not waiting, f"servers not ready after {timeout} s: {sorted(waiting)}"


def lab_disabled_extensions(page: str) -> set[str]:
    """The lab page's disabled extensions, from its embedded page config."""
    m = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                  page, re.S)
    assert m, "no page config in the lab page"
    disabled = json.loads(m.group(1)).get("disabledExtensions", [])
    if isinstance(disabled, dict):
        return {k for k, v in disabled.items() if v}
    return set(disabled)


def hidden_test_lines(source_nb, student_nb) -> list[str]:
    """Lines of the source notebook's hidden tests that the student version does not have
    (visible tests share many lines with them)."""
    released = "\n".join(c.source for c in student_nb.cells)
    lines = []
    for cell in source_nb.cells:
        text = cell.source
        if "### BEGIN HIDDEN TESTS" not in text:
            continue
        body = text.split("### BEGIN HIDDEN TESTS", 1)[1].split("### END HIDDEN TESTS", 1)[0]
        lines += [ln.strip() for ln in body.splitlines()
                  if len(ln.strip()) >= 30 and ln.strip() not in released]
    return lines


# ------------------------------------------------------------------ the test

def test_cohort_round_on_jupyterhub(request):
    if _problem:   # only in CI: a missing prerequisite is a failure there
        pytest.fail(f"CI cannot run the hub end-to-end test: {_problem}")
    import nbformat

    from course.grading import cohort, nbconfig

    assert nbconfig.COURSE_ID == COURSE_ID
    clock = Clock()
    request.config._hub_timings = clock.rows
    users = [INSTRUCTOR, GRADER, FULL, PARTIAL]
    clash = [u for u in users if uid_of(u) is not None and not ours(u)]
    assert not clash, f"users the test would create already exist (not made by setup.sh): {clash}"
    remove_users(users, STAFF_GROUP)   # what a killed earlier run left

    tmp = Path(tempfile.mkdtemp(prefix="sfml-hub-"))
    tmp.chmod(0o755)
    prefix, homes = tmp / "srv", tmp / "home"
    port, hub_port, proxy_port = free_ports(3)
    hub = None
    hub_log = tmp / "hub.log"
    try:
        # ---------------------------------------------------------- setup.sh
        t = time.monotonic()
        proc = subprocess.run(
            setup_command(prefix, homes, PREFIX, STAFF_GROUP, [port, hub_port, proxy_port]),
            capture_output=True, text=True, timeout=1800, stdin=subprocess.DEVNULL)
        assert proc.returncode == 0, f"setup.sh failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        clock.lap("setup.sh (software cached)" if "single-user environment" not in proc.stdout
                  else "setup.sh (built the virtualenvs)", t)
        # idempotent: a second run changes nothing and succeeds
        t = time.monotonic()
        again = subprocess.run(proc.args, capture_output=True, text=True, timeout=600,
                               stdin=subprocess.DEVNULL)
        assert again.returncode == 0, again.stderr[-2000:]
        assert "virtualenv" not in again.stdout and "single-user environment" not in again.stdout
        clock.lap("setup.sh again (idempotent)", t)

        settings = json.loads((prefix / "hub" / "settings.json").read_text())
        su_bin = Path(settings["singleuser"]) / "bin"
        course = Path(settings["course_dir"])
        exchange = Path(settings["exchange"]) / COURSE_ID
        etc = Path(settings["etc_dir"])
        home = {u: Path(pwd.getpwnam(u).pw_dir) for u in users}

        def run_as(user: str, *args: str, cwd: Path | None = None, timeout: float = 600):
            """A command as ``user`` with the environment of their hub server's terminal."""
            role = "staff" if user in (INSTRUCTOR, GRADER) else "student"
            env = {"HOME": str(home[user]), "USER": user, "LOGNAME": user, "LANG": "C.UTF-8",
                   "SHELL": "/bin/bash", "PATH": f"{su_bin}:/usr/local/bin:/usr/bin:/bin",
                   "JUPYTER_CONFIG_PATH": str(etc / f"jupyter-{role}")}
            cmd = ["runuser", "-u", user, "--", "env", "-i",
                   *[f"{k}={v}" for k, v in env.items()], *args]
            return subprocess.run(cmd, cwd=cwd or home[user], capture_output=True, text=True,
                                  timeout=timeout, stdin=subprocess.DEVNULL)

        def can_read(user: str, path: Path) -> bool:
            cmd = "ls" if path.is_dir() else "cat"
            return run_as(user, cmd, str(path), cwd=Path("/")).returncode == 0

        # ---------------------------------------------------------- the hub starts
        t = time.monotonic()
        hub = Hub(prefix, port, hub_log)
        hub.start(timeout=90)
        clock.lap("hub start (to its API answering through the proxy)", t)
        listening = subprocess.run(["ss", "-Hltnp"], capture_output=True, text=True).stdout
        for p in (port, hub_port, proxy_port):
            lines = [ln for ln in listening.splitlines() if f":{p} " in ln]
            assert lines and all("127.0.0.1:" in ln for ln in lines), (p, lines)

        # groups and roles as configured
        staff = hub.api("GET", f"/groups/formgrade-{COURSE_ID}").json()
        students = hub.api("GET", f"/groups/nbgrader-{COURSE_ID}").json()
        assert sorted(staff["users"]) == sorted([INSTRUCTOR, GRADER])
        assert sorted(students["users"]) == sorted([FULL, PARTIAL])
        for u in (INSTRUCTOR, FULL, PARTIAL):
            hub.token_for(u, "end-to-end test")

        # ---------------------------------------------------------- servers, per role
        t = time.monotonic()
        for u in (INSTRUCTOR, FULL, PARTIAL):   # each user starts their own server
            r = hub.api("POST", f"/users/{u}/server", token=hub.tokens[u])
            assert r.status_code in (201, 202), (u, r.status_code, r.text)
        wait_ready(hub, [INSTRUCTOR, FULL, PARTIAL])
        clock.lap("3 single-user servers started at once", t)

        for s in (FULL, PARTIAL):
            disabled = lab_disabled_extensions(hub.server("GET", s, "lab").text)
            assert "@jupyter/nbgrader:formgrader" in disabled
            assert "@jupyter/nbgrader:create-assignment" in disabled
            assert "@jupyter/nbgrader:assignment-list" not in disabled
            assert "@jupyter/nbgrader:validate-assignment" not in disabled
            assert hub.server("GET", s, "formgrader").status_code == 404
            listed = hub.server("GET", s, "assignments", params={"course_id": COURSE_ID})
            assert listed.status_code == 200, listed.text
        disabled = lab_disabled_extensions(hub.server("GET", INSTRUCTOR, "lab").text)
        assert not any(x.startswith("@jupyter/nbgrader") for x in disabled), disabled
        fg = hub.server("GET", INSTRUCTOR, "formgrader")
        assert fg.status_code in (200, 302), fg.status_code
        if fg.status_code == 302:   # to its first page, in the same server
            assert f"/user/{INSTRUCTOR}/formgrader" in fg.headers["Location"], fg.headers
            fg = hub.server("GET", INSTRUCTOR, fg.headers["Location"].split(f"/user/{INSTRUCTOR}/", 1)[1])
        assert fg.status_code == 200 and "formgrader" in fg.text.lower(), fg.status_code
        # a student's token opens neither another student's server nor the instructor's
        for other in (PARTIAL, INSTRUCTOR):
            r = hub.server("GET", other, "api/contents", as_user=FULL)
            assert r.status_code in (401, 403, 404), (other, r.status_code)
        assert hub.api("GET", f"/users/{PARTIAL}", token=hub.tokens[FULL]).status_code in (403, 404)

        # ---------------------------------------------------------- release
        t = time.monotonic()
        rel = run_as(INSTRUCTOR, "nbgrader", "release_assignment", MODULE, cwd=course)
        assert rel.returncode == 0, rel.stderr[-2000:]
        clock.lap("instructor: nbgrader release_assignment", t)
        assert (exchange / "outbound" / MODULE / f"{MODULE}.ipynb").is_file()

        # ---------------------------------------------------------- students work
        source_nb = nbformat.read(course / "solutions" / MODULE / f"{MODULE}.ipynb", as_version=4)
        solutions = cohort.answers(source_nb)
        hidden = hidden_test_lines(source_nb, nbformat.read(
            course / "assignments" / MODULE / f"{MODULE}.ipynb", as_version=4))
        assert hidden, "the source notebook has no hidden tests to look for"
        nb_path = f"{MODULE}/{MODULE}.ipynb"
        body = {"course_id": COURSE_ID, "assignment_id": MODULE}
        submitted_nb = {}
        t = time.monotonic()
        for s in (FULL, PARTIAL):
            r = hub.server("POST", s, "assignments/fetch", json=body)
            assert r.status_code == 200, r.text
            got = hub.server("GET", s, f"api/contents/{nb_path}", params={"content": 1})
            assert got.status_code == 200, got.text
            released = nbformat.from_dict(got.json()["content"])
            released_text = "\n".join(c.source for c in released.cells)
            assert not [ln for ln in hidden if ln in released_text], "hidden tests were released"
            ids = cohort.answer_ids(released)
            chosen = solutions if s == FULL else {k: solutions[k] for k in ids[: len(ids) // 2]}
            answered = cohort.fill(released, chosen)
            submitted_nb[s] = answered
            r = hub.server("PUT", s, f"api/contents/{nb_path}",
                           json={"type": "notebook", "format": "json", "content": answered})
            assert r.status_code in (200, 201), r.text
        clock.lap("2 students: fetch, open, save answers (contents API)", t)

        t = time.monotonic()
        v = hub.server("POST", FULL, "assignments/validate", json={"path": nb_path}).json()
        assert v["success"], v
        assert not {"failed", "changed", "type_changed"} & set(v["value"]), v["value"]
        clock.lap("student: Validate (runs the notebook)", t)

        t = time.monotonic()
        for s in (FULL, PARTIAL):
            r = hub.server("POST", s, "assignments/submit", json=body)
            assert r.status_code == 200, r.text
            out = r.json()
            assert not (isinstance(out, dict) and out.get("success") is False), out
        clock.lap("2 students: submit", t)

        # ---------------------------------------------------------- permissions
        inbound = exchange / "inbound"
        subs = {s: sorted(inbound.glob(f"{s}+{MODULE}+*")) for s in (FULL, PARTIAL)}
        assert all(len(v) == 1 for v in subs.values()), subs
        genuine = subs[PARTIAL][0]
        assert not can_read(FULL, inbound), "a student could list the inbound folder"
        assert not can_read(FULL, genuine / f"{MODULE}.ipynb"), "a student read another's submission"
        assert not can_read(FULL, genuine), "a student listed another's submission"
        assert not can_read(FULL, course / "solutions" / MODULE / f"{MODULE}.ipynb")
        assert not can_read(FULL, course / "solutions")
        assert not can_read(FULL, home[PARTIAL])
        assert not can_read(FULL, home[INSTRUCTOR])
        # submitting as someone else: refused outright with --student ...
        forged = run_as(FULL, "nbgrader", "submit", MODULE, "--student", PARTIAL)
        assert forged.returncode != 0 and "only submit as yourself" in forged.stderr, forged.stderr
        # ... and a hand-made inbound folder in their name, dated later, is skipped by collect
        fake = inbound / f"{PARTIAL}+{MODULE}+2999-01-01 00:00:00.000000 UTC+forged"
        made = run_as(FULL, "sh", "-c",
                      f'mkdir "{fake}" && cp "{MODULE}/{MODULE}.ipynb" "{fake}/" '
                      f'&& echo "2999-01-01 00:00:00.000000 UTC" > "{fake}/timestamp.txt"')
        assert made.returncode == 0, made.stderr   # the inbound folder is world-writable

        # ---------------------------------------------------------- collect and grade
        t = time.monotonic()
        col = run_as(INSTRUCTOR, "nbgrader", "collect", MODULE, cwd=course)
        assert col.returncode == 0, col.stderr[-2000:]
        assert "Skipping" in col.stderr and "forged" in col.stderr, col.stderr[-2000:]
        clock.lap("instructor: nbgrader collect", t)
        collected = nbformat.read(course / "submitted" / PARTIAL / MODULE / f"{MODULE}.ipynb",
                                  as_version=4)
        assert cohort.answer_ids(collected) == cohort.answer_ids(submitted_nb[PARTIAL])
        assert [c.source for c in collected.cells] == [c.source for c in submitted_nb[PARTIAL].cells], \
            "the forged submission replaced the genuine one"
        ts = (course / "submitted" / PARTIAL / MODULE / "timestamp.txt").read_text()
        assert not ts.startswith("2999")
        assert not can_read(FULL, course / "gradebook.db")
        assert not can_read(FULL, course / "submitted" / PARTIAL / MODULE / f"{MODULE}.ipynb")

        t = time.monotonic()
        grade = run_as(INSTRUCTOR, "safety-course", "grade", "-q", "--module", MODULE,
                       cwd=course, timeout=900)
        clock.lap("instructor: safety-course grade (2 submissions, sandboxed)", t)
        assert grade.returncode == 0, f"{grade.stdout[-2000:]}\n{grade.stderr[-2000:]}"
        assert "unsandboxed" not in (grade.stdout + grade.stderr).lower(), grade.stdout
        import csv

        rows = {r["student_id"]: r for r in csv.DictReader(open(course / "grades.csv"))
                if r["assignment"] == MODULE}
        scores = {s: float(rows[s]["score"]) for s in (FULL, PARTIAL)}
        assert scores[FULL] > scores[PARTIAL] > 0, scores

        t = time.monotonic()
        fb = run_as(INSTRUCTOR, "nbgrader", "release_feedback", MODULE, cwd=course)
        assert fb.returncode == 0, fb.stderr[-2000:]
        clock.lap("instructor: nbgrader release_feedback", t)

        # ---------------------------------------------------------- feedback
        t = time.monotonic()
        for s in (FULL, PARTIAL):
            r = hub.server("POST", s, "assignments/fetch_feedback", json=body)
            assert r.status_code == 200, r.text
            listing = hub.server("GET", s, f"api/contents/{MODULE}/feedback").json()
            stamps = [e["path"] for e in listing["content"] if e["type"] == "directory"]
            assert len(stamps) == 1, listing
            page = hub.server("GET", s, f"api/contents/{stamps[0]}/{MODULE}.html",
                              params={"content": 1, "format": "text", "type": "file"})
            assert page.status_code == 200, page.text
            text = html.unescape(page.json()["content"])
            own = f"{scores[s]:g}"
            other = f"{scores[FULL if s == PARTIAL else PARTIAL]:g}"
            m = re.search(r"Score:\s*([0-9.]+)\s*/\s*([0-9.]+)", text)
            assert m, "no score line in the feedback"
            assert f"{float(m.group(1)):g}" == own, (s, m.group(0), own)
            assert f"{float(m.group(1)):g}" != other
            leaked = [ln for ln in hidden if ln in text]
            assert not leaked, f"hidden test source in {s}'s feedback: {leaked[:3]}"
        clock.lap("2 students: fetch_feedback and read it", t)

        # ---------------------------------------------------------- the hub stops
        t = time.monotonic()
        code = hub.stop()
        clock.lap("hub stop (SIGTERM, servers and proxy with it)", t)
        assert code == 0, f"the hub exited with {code}:\n{hub_log.read_text()[-3000:]}"
        time.sleep(0.5)
        for u in users:
            assert not user_pids(u), f"{u} still has processes after the hub stopped"
        for p in (port, proxy_port, hub_port):
            with socket.socket() as sock:
                assert sock.connect_ex(("127.0.0.1", p)) != 0, f"port {p} still open"
    finally:
        if hub is not None:
            hub.kill()
        if os.environ.get("SFML_HUB_KEEP"):
            print(f"kept {tmp} (hub log: {hub_log})", file=sys.stderr)
        else:
            remove_users(users, STAFF_GROUP)
            shutil.rmtree(tmp, ignore_errors=True)
    clock.lap("total", clock.t0)
    if not os.environ.get("SFML_HUB_KEEP"):
        assert not any(uid_of(u) is not None for u in users)
        assert not tmp.exists()
