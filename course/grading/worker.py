"""A grading worker: a long-lived process that autogrades one submission at a time.

The parent (:mod:`course.grading.autograde`) starts one worker per parallel job and sends
it jobs as JSON lines on stdin. Each job names a private course directory that the parent
built for one student (the module's source, a gradebook holding only the assignment,
and that student's submission). The worker runs nbgrader's own Autograde and
GenerateFeedback converters there, in-process (importing nbgrader once per worker, not
once per student), with the course's integrity guards in the pipeline and the student's
notebook executed in the sandboxed kernel. It answers with one ``@@RESULT {json}`` line.
A job of kind ``prepare`` instead records the module in a course's gradebook, so the
parent never starts nbgrader itself.
It never writes to the course's gradebook: the parent records scores, one writer.

Student code never runs in this process, only in the kernel it starts.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from pathlib import Path

from .speedups import (
    FIGURE_ALT,  # noqa: F401  (the tests read it from here)
    WORKER_PATCHES,
    fast_imports,
    one_engine_per_gradebook,
    stamp_gradebooks_in_process,
)

RESULT = "@@RESULT "


def _config(job: dict):
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        IgnorePattern,
        LimitOutput,
        SaveAutoGrades,
    )
    from traitlets.config import Config

    from . import nbconfig
    from .guards import CollectGuards, InsertGuards
    from .preprocessors import CapOutputs, Execute, StudentStderrIsNotAFailure

    c = Config()
    nbconfig.apply(c)
    c.CourseDirectory.root = job["root"]
    c.Execute.timeout = int(job["limits"]["cell_seconds"])
    c.Execute.startup_timeout = 120
    c.Autograde.autograde_preprocessors = [
        InsertGuards, Execute, CollectGuards, IgnorePattern, ClearMetadataPreprocessor,
        LimitOutput, CapOutputs, StudentStderrIsNotAFailure, SaveAutoGrades,
        AssignLatePenalties, CheckCellMetadata]
    c.CollectGuards.report_dir = job["reports"]
    if job["sandbox"]:
        c.Execute.kernel_name = "safety-sandbox"
        c.KernelManager.transport = "ipc"
        c.AsyncKernelManager.transport = "ipc"
        # the connection file and the unix sockets live in the job's runtime folder, the
        # only host folder the sandbox can write to besides its working copy
        for cls in ("KernelManager", "AsyncKernelManager"):
            c[cls].connection_file = str(Path(job["runtime"]) / "kernel.json")
            c[cls].ip = str(Path(job["runtime"]) / "ipc")
    return c


def _tail(text: str | None, n: int = 400) -> str:
    """The most telling line of a failed nbgrader log: its last exception, else an error."""
    import re

    lines = [ln for ln in (text or "").splitlines() if ln.strip()]
    exc = [ln.strip() for ln in lines
           if re.match(r"^\s*[\w.]+(Error|Exception|Interrupt)(: .*)?$", ln)]
    if exc:
        return exc[-1][:n]
    lines = [ln for ln in lines if "Please see the the above traceback" not in ln]
    for marker in ("[ERROR]", "Error", "error"):
        found = [ln for ln in lines if marker in ln]
        if found:
            return found[-1].strip()[:n]
    return (lines[-1].strip() if lines else "")[:n]


def prepare(job: dict) -> dict:
    """Record the module's source cells in a course's gradebook (nbgrader's
    generate_assignment, in this process, the release written to a scratch folder)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    from . import nbconfig

    c = Config()
    nbconfig.apply(c)
    config_file = Path(job["root"]) / "nbgrader_config.py"
    if config_file.is_file():  # the instructor's overrides, as nbgrader itself reads them
        c.merge(PyFileConfigLoader(config_file.name, str(config_file.parent)).load_config())
    c.CourseDirectory.root = job["root"]
    c.CourseDirectory.release_directory = job["release"]
    api = NbGraderAPI(CourseDirectory(config=c), config=c)
    res = api.generate_assignment(job["module"], force=True)
    return {"ok": bool(res.get("success")),
            "error": "" if res.get("success") else _tail(
                (res.get("error") or "") + "\n" + (res.get("log") or ""))}


def run_job(job: dict) -> dict:
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from . import sandbox

    started = time.monotonic()
    os.environ["JUPYTER_PATH"] = job["kernels"]
    os.environ["JUPYTER_RUNTIME_DIR"] = job["runtime"]
    os.environ.pop("MPLBACKEND", None)
    if job["sandbox"]:
        sandbox.kernelspec(Path(job["kernels"]), uid=job.get("uid"), runtime=job["runtime"],
                           limits=sandbox.Limits(**job["limits"]),
                           font_cache=job.get("font_cache"), release=job.get("release"))
    c = _config(job)
    api = NbGraderAPI(CourseDirectory(config=c), config=c)
    result: dict = {"student": job["student"]}
    ag = api.autograde(job["module"], job["student"], force=True, create=True)
    result["autograde_ok"] = bool(ag.get("success"))
    result["autograde_error"] = "" if ag.get("success") else _tail(
        (ag.get("error") or "") + "\n" + (ag.get("log") or ""))
    result["autograde_log"] = (ag.get("log") or "")[-4000:]
    if result["autograde_ok"]:
        result["replay"] = replay_notebooks(job)
        fb = api.generate_feedback(job["module"], job["student"], force=True)
        result["feedback_ok"] = bool(fb.get("success"))
        result["feedback_error"] = "" if fb.get("success") else _tail(
            (fb.get("error") or "") + "\n" + (fb.get("log") or ""))
    statuses = []
    for path in sorted(Path(job["runtime"]).glob(f"{sandbox.STATUS_PREFIX}*.json")):
        try:
            statuses.append(json.loads(path.read_text()))
        except ValueError:
            pass
    result["sandbox_status"] = statuses
    guards = {}
    for path in sorted(Path(job["reports"]).glob("*.json")):
        guards[path.stem.split("__", 1)[-1]] = json.loads(path.read_text())
    result["guards"] = guards
    result["seconds"] = round(time.monotonic() - started, 2)
    return result


def replay_notebooks(job: dict) -> list[str]:
    """Run each autograded notebook's code again in a plain Python (the second pass of
    :mod:`course.grading.replay`), in the same sandbox; the tests whose verdicts disagree."""
    import subprocess

    import nbformat

    from . import replay

    reasons = []
    folder = Path(job["root"]) / "autograded" / job["student"] / job["module"]
    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        kernel = replay.first_pass(nb)
        if not any(v is None for v in kernel.values()):
            continue  # no test passed: nothing a trick could have won
        runtime = Path(job["runtime"]) / f"replay-{path.stem}"
        runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
        cells = runtime / "cells.json"
        cells.write_text(json.dumps({"cells": replay.cells_of(nb),
                                     # a loaded machine must not make the re-run
                                     # miss a cell the kernel finished in time
                                     "cell_seconds": 3 * job["limits"]["cell_seconds"]}))
        inner = [sys.executable, "-P", "-m", "course.grading.replay", "-f", str(cells)]
        env = None
        if job["sandbox"]:
            cmd = [sys.executable, "-P", "-m", "course.grading.sandbox",
                   "--limits", json.dumps(job["limits"]), "--runtime", str(runtime)]
            if job.get("uid") is not None:
                cmd += ["--uid", str(job["uid"])]
            if job.get("font_cache"):
                cmd += ["--font-cache", job["font_cache"]]
            if job.get("release"):
                cmd += ["--release", job["release"]]
            cmd += ["--", *inner]
        else:
            cmd = inner
            env = {**os.environ, "NBGRADER_EXECUTION": "autograde", "MPLBACKEND": "Agg"}
        try:
            done = subprocess.run(cmd, cwd=folder, env=env, capture_output=True, text=True,
                                  timeout=job["limits"]["wall_seconds"] + 60)
            output = done.stdout
        except subprocess.TimeoutExpired as exc:
            output = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        reasons += replay.disagreements(kernel, output)
    return reasons


def serve() -> None:
    out = sys.stdout
    sys.stdout = sys.stderr  # nothing but results on the real stdout
    fast_imports()
    import nbgrader.apps  # noqa: F401  (the slow import, once)
    stamp_gradebooks_in_process()
    for speedup in WORKER_PATCHES:
        try:
            speedup()
        except (ImportError, AttributeError):  # another nbconvert: the slow way
            pass
    out.write("@@READY\n")
    out.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        try:
            with one_engine_per_gradebook():
                result = prepare(job) if job.get("kind") == "prepare" else run_job(job)
        except BaseException as exc:  # report, never die on a job
            result = {"student": job.get("student"), "autograde_ok": False,
                      "autograde_error": f"grader error: {type(exc).__name__}: {exc}",
                      "trace": traceback.format_exc()[-3000:]}
        out.write(RESULT + json.dumps(result) + "\n")
        out.flush()


if __name__ == "__main__":
    serve()
