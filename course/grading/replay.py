"""The second pass: the notebook's code again, in a fresh plain Python, with no IPython.

The first pass runs the notebook in an IPython kernel, where the student's code shares the
process with the tests and with IPython's machinery: input and AST transformers, event
hooks, ``showtraceback``, custom exception handlers. Each of those can make a failing test
look like a passing one, and checking for them one by one loses to the next combination.

This pass does not depend on that machinery behaving. It runs every code cell of the
autograded notebook (answers as submitted, tests as restored by nbgrader) in order, each
compiled and executed with the ``compile`` and ``exec`` taken before any student code ran,
in one namespace, with nothing between the source and the interpreter. Lines that are
IPython syntax (``%magic``, ``!shell``) are left out. A test passes here when its cell
raises nothing. The worker compares the verdicts: a test that passed in the kernel but
fails here marks the submission *needs review*, with the test and the error.

It runs inside the same sandbox as the kernel (:mod:`course.grading.sandbox`), started
as ``python -P -m course.grading.replay -f CELLS.json``. The cells file is read and
deleted before any student code runs. The verdicts go to a copy of stdout taken at the
start; the cells' own output goes nowhere.

Limits, honestly: this is still one process that runs the student's code. Code written
against this module could forge its verdict line; and a change that makes a wrong answer
pass in both passes is caught only where it shows: this pass, like the kernel's integrity
checks, compares the functions of ``math``, ``operator``, ``numpy``, ``numpy.testing``,
``course.check`` and the comparison builtins before each test with the ones it started
with; a library the tests compare against that is not in that list is not watched.
"""

from __future__ import annotations

import builtins
import json
import os
import signal
import sys

VERDICT = "@@REPLAY "


class CellTimeout(Exception):
    """A cell ran past the per-cell time limit."""


def _plain(source: str) -> str:
    """The cell without IPython-only lines (magics, shell escapes)."""
    keep = []
    for line in source.splitlines():
        stripped = line.lstrip()
        keep.append("" if stripped.startswith(("%", "!")) else line)
    return "\n".join(keep)


WATCHED = ("math", "operator", "numpy", "numpy.testing", "course.check")
BUILTINS = ("isinstance", "issubclass", "len", "abs", "all", "any", "sum", "min", "max",
            "round", "sorted", "bool", "int", "float", "str", "repr", "type", "list", "tuple",
            "dict", "set", "range", "zip", "map", "filter", "enumerate", "hasattr", "getattr",
            "callable", "iter", "next", "AssertionError", "Exception", "BaseException")


def _snapshot() -> dict:
    """Every function of the modules tests compare with, and the comparison builtins."""
    import importlib

    seen = {}
    for name in WATCHED:
        mod = importlib.import_module(name)
        for key, value in list(vars(mod).items()):
            if not key.startswith("__") and callable(value):
                seen[(name, key)] = (mod, value)
    for key in BUILTINS:
        seen[("builtins", key)] = (builtins, getattr(builtins, key))
    return seen


def _replaced(seen: dict) -> list[str]:
    return sorted(f"{mod}.{key} was replaced" for (mod, key), (module, value) in seen.items()
                  if getattr(module, key, None) is not value)


def run(cells: list[dict], cell_seconds: int, write) -> None:
    """Execute ``cells`` ({"id", "test", "source"}) in order; write one verdict per test."""
    run_code, build = builtins.exec, builtins.compile
    seen = _snapshot()
    namespace = {"__name__": "__main__", "__builtins__": builtins,
                 "display": lambda *args, **kwargs: None}

    def expire(_signum, _frame):
        raise CellTimeout(f"the cell ran past {cell_seconds} s")

    signal.signal(signal.SIGALRM, expire)
    for index, cell in enumerate(cells):
        error = None
        tampered = _replaced(seen) if cell.get("test") else []
        try:
            signal.alarm(cell_seconds)
            try:
                run_code(build(_plain(cell["source"]), f"<cell {index}>", "exec"), namespace)
            finally:
                signal.alarm(0)
        except BaseException as exc:  # noqa: BLE001  (SystemExit included: a verdict, not an exit)
            error = f"{type(exc).__name__}: {str(exc)[:300]}"
        if cell.get("test"):
            verdict = {"id": cell["id"], "ok": error is None, "error": error}
            if tampered:
                verdict["tampered"] = tampered
            write(verdict)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    path = argv[argv.index("-f") + 1]
    with open(path, encoding="utf-8") as fh:
        job = json.load(fh)
    os.unlink(path)  # the hidden tests are in it: gone before any student code runs
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.environ.setdefault("MPLBACKEND", "Agg")

    def write(verdict: dict) -> None:
        out.write(VERDICT + json.dumps(verdict) + "\n")
        out.flush()

    run(job["cells"], int(job.get("cell_seconds", 300)), write)
    out.write(VERDICT + json.dumps({"done": True}) + "\n")
    out.flush()
    os._exit(0)  # no interpreter teardown, no atexit handler of the student's


def cells_of(nb) -> list[dict]:
    """The code cells of an autograded notebook, in order, tests marked."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        cells.append({"id": meta.get("grade_id") or "", "source": cell.source,
                      "test": bool(meta.get("grade") and not meta.get("solution"))})
    return cells


def first_pass(nb) -> dict[str, str | None]:
    """Each test cell's verdict in the kernel: None when it passed, else its error."""
    verdicts = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            verdicts[meta.get("grade_id")] = (
                f"{errors[0].get('ename')}: {errors[0].get('evalue', '')}"[:300]
                if errors else None)
    return verdicts


def disagreements(kernel: dict[str, str | None], output: str) -> list[str]:
    """Tests that passed in the kernel but not in the replay, as reasons for review."""
    replay, done = {}, False
    for line in output.splitlines():
        if line.startswith(VERDICT):
            try:
                item = json.loads(line[len(VERDICT):])
            except ValueError:
                continue
            if item.get("done"):
                done = True
            elif isinstance(item, dict) and "id" in item:
                replay.setdefault(item["id"], item)
    reasons = []
    tampered = sorted({t for v in replay.values() for t in v.get("tampered", [])})
    if tampered:
        first = next(k for k, v in replay.items() if v.get("tampered"))
        reasons.append(f"in the plain re-run, before {first}: {'; '.join(tampered[:5])}")
    for test_id, error in kernel.items():
        if error is not None:
            continue  # failed in the kernel: the score already says so
        got = replay.get(test_id)
        if got is None:
            reasons.append(f"{test_id} passed in the notebook but the plain re-run never "
                           "reached it" + ("" if done else " (the re-run stopped early)"))
        elif not got.get("ok"):
            reasons.append(f"{test_id} passed in the notebook but fails when the same code "
                           f"runs again without IPython ({got.get('error')})")
    return reasons


if __name__ == "__main__":
    sys.exit(main())
