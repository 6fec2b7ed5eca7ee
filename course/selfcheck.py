"""``safety-course check NOTEBOOK``: run a learner's notebook and report each exercise.

The notebook runs from a fresh kernel, top to bottom, as the grader will run it. Each
exercise is an answer cell followed by its test cells (grade ids ``<answer>-visible`` and
``<answer>-hidden``); its status comes from its visible tests:

- passed: the visible tests ran without error;
- not started: the answer still raises the stub's NotImplementedError;
- failed: a visible test raised, and here is its message.

Hidden tests are not in the student version; they run only when the work is graded.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError
from tqdm.auto import tqdm

PASSED, FAILED, NOT_STARTED, NO_TEST = "passed", "failed", "not started", "no visible test"
SYMBOL = {PASSED: "\N{CHECK MARK}", FAILED: "\N{BALLOT X}", NOT_STARTED: "\N{MIDDLE DOT}",
          NO_TEST: "?"}


@dataclass
class Exercise:
    grade_id: str
    status: str
    message: str = ""


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _error(cell) -> tuple[str, str] | None:
    for o in cell.get("outputs", []):
        if o.get("output_type") == "error":
            return o.get("ename", ""), o.get("evalue", "")
    return None


def exercises(nb) -> list[Exercise]:
    """Per-exercise status from an executed notebook's outputs."""
    result: list[Exercise] = []
    current: Exercise | None = None
    for cell in nb.cells:
        meta = _meta(cell)
        if meta.get("solution") and cell.cell_type == "code":
            current = Exercise(meta.get("grade_id", "?"), NO_TEST)
            result.append(current)
        elif meta.get("grade") and cell.cell_type == "code" and current is not None:
            if not cell.source.strip():
                continue  # a hidden test cell, emptied in the student version
            err = _error(cell)
            if err is None:
                if current.status == NO_TEST:
                    current.status = PASSED
            elif err[0] == "NotImplementedError":
                current.status, current.message = NOT_STARTED, "the answer cell still raises the stub"
            elif current.status != NOT_STARTED:
                current.status, current.message = FAILED, f"{err[0]}: {err[1]}"
    return result


def run(path: str | os.PathLike, *, timeout: int = 300, progress: bool = True):
    """Execute the notebook in its own folder; return (executed notebook, exercises)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no notebook at {path}")
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:
        raise ValueError(f"{path} is not a readable notebook: {exc}") from exc
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env["NBGRADER_EXECUTION"] = "validate"  # as nbgrader's Validate: explorers are skipped
    client = NotebookClient(nb, timeout=timeout, allow_errors=True,
                            resources={"metadata": {"path": str(path.parent.resolve())}},
                            kernel_name="python3", env=env)
    code_cells = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    with client.setup_kernel():
        for index, cell in tqdm(code_cells, desc=f"running {path.name}", unit="cell",
                                disable=not progress):
            try:
                client.execute_cell(cell, index)
            except (CellExecutionError, CellTimeoutError) as exc:
                cell.outputs.append(nbformat.v4.new_output(
                    "error", ename=type(exc).__name__, evalue=str(exc)[:300], traceback=[]))
    return nb, exercises(nb)


def report(items: list[Exercise]) -> str:
    """The lines ``safety-course check`` prints."""
    lines = []
    for ex in items:
        line = f"  {SYMBOL[ex.status]} {ex.grade_id:<36} {ex.status}"
        if ex.message:
            line += f"\n      {ex.message[:400]}"
        lines.append(line)
    done = sum(ex.status == PASSED for ex in items)
    lines.append(f"\n{done} of {len(items)} exercises pass their visible tests. Hidden tests "
                 "run when your work is graded, on fresh data.")
    return "\n".join(lines)
