"""Grading a batch: workers in parallel, one gradebook writer, no stale scores.

For one module:

1. preflight every submission (present, JSON, a valid notebook); the ones that fail end
   here with status *failed* and a reason, and any score they had is removed;
2. check the sandbox can start (or refuse, unless the instructor allowed running without);
3. back up the gradebook (``gradebook.db.bak-<time>``), record the module's source cells in
   it, and build a template: a private course directory with a gradebook that holds only
   the assignment (both done by the workers, which have nbgrader loaded already);
4. for each submission, copy the template and that one student's files into a private
   folder, and have a worker (:mod:`course.grading.worker`) autograde it there: nbgrader's
   own pipeline, the integrity guards, the notebook in the sandboxed kernel; a worker that
   passes the time limit is killed and replaced;
5. back in this process, one submission at a time: nbgrader's ``SaveAutoGrades`` and
   ``AssignLatePenalties`` write the scores into the course's gradebook, and the
   autograded notebook and feedback replace the student's old ones.

Only the students being graded are touched in the gradebook.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import queue
import selectors
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict
from pathlib import Path

import nbformat
from tqdm.auto import tqdm

from . import one_engine_per_gradebook
from . import sandbox as sbx
from .coursedir import CourseDir
from .results import FAILED, GRADED, REVIEW, SUBMISSION_TIMEOUT, GradingRefused, Result
from .submissions import failures as _failures
from .submissions import preflight, score, students
from .worker import RESULT

UID_BASE = 61000
UID_SPAN = 512
"""Kernels run as uids from UID_BASE upwards when grading as root, one per worker. A worker
holds a lock on its uid for its life, so two grading runs on one machine never share a uid
(each worker kills every process of its uid when it stops)."""


def _claim_uid():
    """(uid, open lock file) for the first uid no other worker on this machine holds."""
    import fcntl

    lockdir = Path(tempfile.gettempdir()) / "safety-grade-uids"
    lockdir.mkdir(mode=0o700, exist_ok=True)
    for uid in range(UID_BASE, UID_BASE + UID_SPAN):
        fh = open(lockdir / f"{uid}.lock", "w")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            continue
        return uid, fh
    raise RuntimeError(f"all {UID_SPAN} sandbox uids from {UID_BASE} are in use")

KEEP_BACKUPS = 20


# ---- gradebook safety ------------------------------------------------------------

def backup_gradebook(course: CourseDir) -> Path | None:
    """Copy the gradebook (sqlite's online backup) to gradebook.db.bak-<time>; keep 20."""
    if not course.gradebook.is_file():
        return None
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    dest = course.gradebook.with_name(f"{course.gradebook.name}.bak-{stamp}")
    src = sqlite3.connect(course.gradebook)
    dst = sqlite3.connect(dest)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    old = sorted(course.gradebook.parent.glob(f"{course.gradebook.name}.bak-*"))
    for path in old[:-KEEP_BACKUPS]:
        path.unlink(missing_ok=True)
    return dest


def forget(course: CourseDir, student: str, module: str) -> None:
    """Remove a submission's scores, autograded notebooks and feedback (no stale grades)."""
    for folder in (course.autograded / student / module, course.feedback / student / module):
        if folder.exists():
            shutil.rmtree(folder)
    if not course.gradebook.is_file():
        return
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(course.db_url) as gb:
        try:
            gb.find_submission(module, student)
        except MissingEntry:
            return
        gb.remove_submission(module, student)


def _record(course: CourseDir, work: CourseDir, student: str, module: str,
            notebooks: list[str]) -> None:
    """Write one submission's autograded scores into the course's gradebook."""
    from nbgrader.api import Gradebook
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades

    src = course.submitted / student / module
    timestamp = CourseDirectory(root=str(course.root)).get_existing_timestamp(str(src))
    with Gradebook(course.db_url) as gb:
        gb.update_or_create_student(student)
        if timestamp:
            gb.update_or_create_submission(module, student, timestamp=timestamp)
        else:
            gb.update_or_create_submission(module, student)
    for name in notebooks:
        nb = nbformat.read(work.autograded / student / module / f"{name}.ipynb", as_version=4)
        resources = {"nbgrader": {"notebook": name, "assignment": module, "student": student,
                                  "db_url": course.db_url}}
        nb, resources = SaveAutoGrades().preprocess(nb, resources)
        AssignLatePenalties().preprocess(nb, resources)
    for kind in ("autograded", "feedback"):
        dest = getattr(course, kind) / student / module
        if dest.exists():
            shutil.rmtree(dest)
        made = getattr(work, kind) / student / module
        if made.is_dir():
            shutil.copytree(made, dest)


# ---- metadata tampering ------------------------------------------------------------

def cell_reference(course: CourseDir, module: str) -> dict[str, dict[str, tuple]]:
    """For each notebook of the module, what the gradebook says each cell is:
    ``{notebook: {grade_id: ("grade", points, cell type) or ("solution", None, None)}}``."""
    from nbgrader.api import Gradebook

    out: dict[str, dict[str, tuple]] = {}
    with Gradebook(course.db_url) as gb:
        for name in course.notebooks(module):
            ref = out.setdefault(name, {})
            nb_db = gb.find_notebook(name, module)
            for cell in nb_db.grade_cells:
                ref[cell.name] = ("grade", cell.max_score, cell.cell_type)
            for cell in nb_db.solution_cells:
                ref.setdefault(cell.name, ("solution", None, None))
    return out


def metadata_edits(course: CourseDir, student: str, module: str,
                   reference: dict[str, dict[str, tuple]] | None = None) -> list[str]:
    """Grade cells whose nbgrader metadata the student changed (nbgrader restores them).
    ``reference`` is :func:`cell_reference`'s answer, read from the gradebook if not given."""
    if reference is None:
        reference = cell_reference(course, module)
    edits = []
    for name, ref in reference.items():
        path = course.submitted / student / module / f"{name}.ipynb"
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            gid = meta.get("grade_id")
            if gid not in ref:
                continue
            kind, points, ctype = ref[gid]
            if kind == "grade":
                if not meta.get("grade"):
                    edits.append(f"{gid}: no longer marked as a test")
                elif float(meta.get("points", 0) or 0) != float(points):
                    edits.append(f"{gid}: points changed from {points:g} to "
                                 f"{meta.get('points')}")
                if ctype and cell.cell_type != ctype:
                    edits.append(f"{gid}: cell type changed to {cell.cell_type}")
    return sorted(set(edits))


CODE_SUFFIXES = (".py", ".pyc", ".pth", ".so")


def added_code(course: CourseDir, student: str, module: str) -> list[str]:
    """Python files in a submission that the module's release does not have. The kernel
    never sees them (:mod:`.sandbox` gives it only released files), but a student who
    submits ``course/check.py`` or ``ipykernel_launcher.py`` was trying something."""
    folder = course.submitted / student / module
    released = {str(rel) for rel in sbx.released_files(course.source / module)}
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*")
                  if path.suffix in CODE_SUFFIXES and not path.is_dir()
                  and str(path.relative_to(folder)) not in released)


# ---- workers ---------------------------------------------------------------------

class Worker:
    """One long-lived ``python -m course.grading.worker`` process."""

    def __init__(self, slot: int, logdir: Path):
        self.slot = slot
        self.uid, self._uid_lock = _claim_uid() if sbx.IS_ROOT else (None, None)
        self.logdir = logdir
        self.proc: subprocess.Popen | None = None

    def _start(self):
        env = {**os.environ}
        env.pop("MPLBACKEND", None)
        env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
        log = open(self.logdir / f"worker-{self.slot}.log", "ab")
        self.proc = subprocess.Popen(  # -P: modules never come from the current folder
            [sys.executable, "-P", "-m", "course.grading.worker"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=log, env=env, start_new_session=True)
        log.close()
        self._buf = b""
        line = self._readline(300)
        if line is None or not line.startswith(b"@@READY"):
            self.stop()
            raise RuntimeError("a grading worker did not start; see "
                               f"{self.logdir / f'worker-{self.slot}.log'}")

    def _readline(self, timeout: float) -> bytes | None:
        deadline = time.monotonic() + timeout
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        try:
            while b"\n" not in self._buf:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    return None
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                if not chunk:
                    return None
                self._buf += chunk
        finally:
            sel.close()
        line, _, self._buf = self._buf.partition(b"\n")
        return line

    def run(self, job: dict, timeout: float) -> dict:
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        self.proc.stdin.write((json.dumps(job) + "\n").encode())
        self.proc.stdin.flush()
        deadline = time.monotonic() + timeout
        while True:
            line = self._readline(max(0.0, deadline - time.monotonic()))
            if line is None:
                died = self.proc.poll() is not None
                self.stop()
                why = ("the grading worker died" if died else
                       f"grading took longer than {timeout:.0f} s and was stopped")
                return {"autograde_ok": False, "autograde_error": why, "timed_out": not died}
            if line.startswith(RESULT.encode()):
                return json.loads(line[len(RESULT):])

    def stop(self):
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            self.proc = None
        if self.uid is not None:
            sbx._kill_uid(self.uid)

    def close(self):
        """Stop, and give the uid back for other runs."""
        self.stop()
        if self._uid_lock is not None:
            self._uid_lock.close()
            self._uid_lock = None


# ---- one batch ---------------------------------------------------------------------

def _prepare(course: CourseDir, module: str, run_dir: Path, workers: queue.Queue) -> Path:
    """Record the module in the course's gradebook and build the template (a course
    directory with the module's source and a gradebook of only the assignment), both at
    once in the workers, which have nbgrader loaded already; meanwhile, here, build the
    font list every sandboxed kernel reuses. Returns the template's folder."""
    from .coursedir import make_course_dir

    template = run_dir / "template"
    make_course_dir(template, course, [module])
    jobs = {"the template": template, "the gradebook": course.root}

    def one(what: str, root: Path) -> tuple[str, dict]:
        worker = workers.get()
        try:
            release = Path(tempfile.mkdtemp(prefix="release-", dir=run_dir))
            return what, worker.run({"kind": "prepare", "root": str(root), "module": module,
                                     "release": str(release)}, timeout=600)
        finally:
            workers.put(worker)

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(one, what, root) for what, root in jobs.items()]
        sbx.build_font_cache(run_dir / "fonts")
        for fut in futures:
            what, res = fut.result()
            if not res.get("ok"):
                why = res.get("error") or res.get("autograde_error") or "unknown error"
                raise RuntimeError(f"could not add {module} to {what}: {why}")
    return template


def _copy_submission(src: Path, dest: Path) -> None:
    """Copy a student's folder, skipping links (a link could point at anything)."""
    dest.mkdir(parents=True, exist_ok=True)
    for path in src.rglob("*"):
        rel = path.relative_to(src)
        if path.is_symlink() or ".ipynb_checkpoints" in rel.parts:
            continue
        if path.is_dir():
            (dest / rel).mkdir(parents=True, exist_ok=True)
        elif path.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest / rel)


def _interpret(res: dict, student: str, module: str, notebooks: list[str],
               limits: sbx.Limits) -> tuple[str, str]:
    """(status, reason) from a worker's answer, before recording."""
    statuses = [s for s in res.get("sandbox_status", [])]
    err = res.get("autograde_error") or ""
    dead = "DeadKernel" in err or "Kernel died" in err
    died = [s for s in statuses if s.get("returncode") not in (0, None) or s.get("killed_for")
            or dead]
    if not res.get("autograde_ok"):
        if res.get("timed_out"):
            return FAILED, res.get("autograde_error", "")
        if died:
            why = died[0]["reason"]
            # the kernel ended itself: hostile or a bug, a human should look
            status = REVIEW if "exited with code" in why else FAILED
            return status, f"{why}; the notebook did not finish, so no score was recorded"
        err = err or "nbgrader autograde failed"
        if dead:
            return REVIEW, "the kernel stopped before the notebook finished; no score recorded"
        if "CellTimeoutError" in err or "timeout" in err.lower():
            return FAILED, f"timed out: {err}"
        return FAILED, f"autograde: {err}"
    return GRADED, ""


def run(course: CourseDir, module: str, *, only: list[str] | None = None, jobs: int = 1,
        progress: bool = True, timeout: float | None = None,
        limits: sbx.Limits | None = None, sandbox: bool = True,
        allow_unsandboxed: bool = False, backup: bool = True) -> list[Result]:
    limits = limits or sbx.Limits(wall_seconds=int(timeout or SUBMISSION_TIMEOUT))
    if timeout and limits.wall_seconds != int(timeout):
        limits = sbx.Limits(**{**asdict(limits), "wall_seconds": int(timeout)})
    who = list(only or students(course, module))
    results: dict[str, Result] = {}
    ok = []
    for student in who:
        problem = preflight(course, student, module)
        if problem:
            results[student] = Result(student, module, FAILED, reason=problem)
        else:
            ok.append(student)
    if ok and sandbox:
        try:
            sbx.check_available()
        except sbx.SandboxUnavailable as exc:
            if not allow_unsandboxed:
                raise GradingRefused(
                    f"grading refused: the sandbox cannot be created: {exc}. Student code "
                    "would run with your rights and see the gradebook and hidden tests. "
                    "Fix that, or pass --allow-unsandboxed to grade anyway on a machine "
                    "that holds nothing else of value.") from None
            sandbox = False
    if backup:
        backup_gradebook(course)
    for student in results:  # failed preflight: no stale score survives
        forget(course, student, module)
    if not ok:
        return [results[s] for s in who]
    notebooks = course.notebooks(module)
    run_dir = Path(tempfile.mkdtemp(prefix="safety-grade-"))
    os.chmod(run_dir, 0o711)
    workers: queue.Queue[Worker] = queue.Queue()
    pool_workers = [Worker(k, run_dir) for k in range(max(1, min(jobs, len(ok))))]
    for w in pool_workers:
        workers.put(w)
    record_lock = threading.Lock()
    bar = tqdm(total=len(who), desc=f"grading {module}", unit="submission",
               disable=not progress)
    bar.update(len(results))
    try:
        with one_engine_per_gradebook():  # the parent opens the gradebook per student
            template = _prepare(course, module, run_dir, workers)
            font_cache = str(run_dir / "fonts" / "mpl")
            reference = cell_reference(course, module)

            def one(student: str) -> Result:
                edits = metadata_edits(course, student, module, reference)
                job_root = run_dir / f"job-{student}"
                shutil.copytree(template, job_root / "course",
                                ignore=shutil.ignore_patterns("submitted", "autograded", "feedback"))
                _copy_submission(course.submitted / student / module,
                                 job_root / "course" / "submitted" / student / module)
                for sub in ("runtime", "kernels", "reports"):
                    (job_root / sub).mkdir()
                job = {"root": str(job_root / "course"), "module": module, "student": student,
                       "limits": asdict(limits), "sandbox": sandbox,
                       "runtime": str(job_root / "runtime"), "kernels": str(job_root / "kernels"),
                       "reports": str(job_root / "reports"), "font_cache": font_cache,
                       "release": str(CourseDir(job_root / "course").source / module)}
                worker = workers.get()
                try:
                    job["uid"] = worker.uid
                    res = worker.run(job, timeout=limits.wall_seconds + 180)
                finally:
                    workers.put(worker)
                work = CourseDir(job_root / "course")
                status, reason = _interpret(res, student, module, notebooks, limits)
                if status != GRADED and edits:
                    status = REVIEW
                    reason = (f"cell metadata edited: {'; '.join(edits)}; nbgrader could not "
                              f"grade it ({reason})")
                with record_lock:
                    if status != GRADED:
                        forget(course, student, module)
                        (run_dir / f"result-{student}.json").write_text(json.dumps(res))
                        return Result(student, module, status, reason=reason)
                    try:
                        _record(course, work, student, module, notebooks)
                        points, max_score, manual = score(course, student, module)
                    except Exception as exc:
                        forget(course, student, module)
                        return Result(student, module, FAILED,
                                      reason=f"no grade recorded ({type(exc).__name__}: {exc})")
                failed = []
                for name in notebooks:
                    failed += _failures(course.autograded / student / module / f"{name}.ipynb")
                flags = []
                for name, problems in (res.get("guards") or {}).items():
                    flags += problems
                flags += [f"cell metadata edited: {e} (restored from the gradebook)"
                          for e in edits]
                flags += res.get("replay") or []
                code = added_code(course, student, module)
                if code:
                    flags.append("the submission adds Python files the release does not have"
                                 + (", which the notebook did not get" if sandbox else
                                    " (no sandbox: the notebook could import them)")
                                 + f": {', '.join(code[:5])}"
                                 + (f" and {len(code) - 5} more" if len(code) > 5 else ""))
                left = sum(s.get("leftover_processes", 0) for s in res.get("sandbox_status", []))
                if left:
                    flags.append(f"{left} processes were still running when the kernel stopped "
                                 "(killed)")
                if flags:
                    status, reason = REVIEW, "tampering suspected: " + "; ".join(flags)
                elif manual:
                    # the written answers are the normal hand-graded part, not a suspicion
                    reason = (f"written answers wait for hand grading ({manual:g} points; "
                              "open Formgrader)")
                if not res.get("feedback_ok", True):
                    reason = (reason + "; " if reason else "") + \
                        f"no feedback: {res.get('feedback_error')}"
                shutil.rmtree(job_root, ignore_errors=True)
                return Result(student, module, status, points, max_score, reason, failed,
                              pending=manual)

            # twice as many threads as workers: the next job's folder is built, and the last
            # one's scores recorded, while the workers grade, so no worker waits for them
            with ThreadPoolExecutor(max_workers=2 * len(pool_workers)) as pool:
                futures = {pool.submit(one, s): s for s in ok}
                for fut in as_completed(futures):
                    student = futures[fut]
                    try:
                        results[student] = fut.result()
                    except Exception as exc:
                        with record_lock:
                            forget(course, student, module)
                        results[student] = Result(student, module, FAILED,
                                                  reason=f"grader error: {type(exc).__name__}: {exc}")
                    bar.update()
    finally:
        bar.close()
        for w in pool_workers:
            w.close()
        if not os.environ.get("SAFETY_GRADE_KEEP"):
            shutil.rmtree(run_dir, ignore_errors=True)
    return [results[s] for s in who]
