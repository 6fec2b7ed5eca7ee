"""``safety-course check NOTEBOOK``: run a learner's notebook and report each exercise.

The notebook runs from a fresh kernel, top to bottom, as the grader will run it. Each
exercise is an answer cell followed by its test cells (grade ids ``<answer>-visible`` and
``<answer>-hidden``); its status comes from its visible tests:

- passed: the visible tests ran without error;
- not started: the answer still raises the stub's NotImplementedError;
- failed: a visible test raised, and here is its message.

Hidden tests are not in the student version; they run only when the work is graded.

A written answer (an nbgrader *manually graded answer*: ``solution`` and ``grade`` both
set, such as a code cell ``ANSWER = "..."`` or a markdown cell) is graded by hand: it
shows as "written: graded by hand", answered or not started, unless a visible test of its
own fails. A decision exercise is an ordinary exercise: an answer cell and its tests.

Test cells belong to the answer whose grade id begins theirs (``<answer>-visible``,
``<answer>-hidden-validation``); a test cell with another id belongs to the answer above
it. An error in the answer cell itself (a syntax error, say) is reported as such, not as
the NameErrors it causes in the tests below.
"""

from __future__ import annotations

import os
import textwrap
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError
from tqdm.auto import tqdm

PASSED, FAILED, NOT_STARTED, NO_TEST = "passed", "failed", "not started", "no visible test"
WRITTEN = "written: graded by hand"
SYMBOL = {PASSED: "\N{CHECK MARK}", FAILED: "\N{BALLOT X}", NOT_STARTED: "\N{MIDDLE DOT}",
          NO_TEST: "?", WRITTEN: "\N{LOWER RIGHT PENCIL}"}


@dataclass
class Exercise:
    grade_id: str
    status: str
    message: str = ""
    written: bool = False
    """A manually graded answer: its points are given by hand, not by tests."""
    answered: bool = True
    """For a written answer: something other than the stub is there."""

    @property
    def ok(self) -> bool:
        """Nothing left to do before submitting (as far as visible tests can tell)."""
        return self.status == PASSED or (self.status == WRITTEN and self.answered)


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _error(cell) -> tuple[str, str] | None:
    for o in cell.get("outputs", []):
        if o.get("output_type") == "error":
            return o.get("ename", ""), o.get("evalue", "")
    return None


def _stub(source: str) -> bool:
    """True when an answer cell still holds (only) the stub nbgrader put there."""
    from .grading.nbconfig import STUB_MESSAGE, TEXT_STUB

    return not source.strip() or STUB_MESSAGE in source or TEXT_STUB in source


def _owner(test_id: str, answers: dict[str, Exercise], current: Exercise | None):
    """The exercise a test cell belongs to: by grade id prefix, else the one above it."""
    matches = [gid for gid in answers if test_id.startswith(gid + "-")]
    return answers[max(matches, key=len)] if matches else current


def _message(err: tuple[str, str]) -> str:
    ename, evalue = err
    if ename == "CheckFailed" and evalue.startswith("Check failed"):
        return evalue
    return f"{ename}: {evalue}" if evalue else ename


def exercises(nb) -> list[Exercise]:
    """Per-exercise status from an executed notebook's outputs."""
    result: list[Exercise] = []
    answers: dict[str, Exercise] = {}
    settled: set[int] = set()  # exercises whose status their answer cell already decided
    stubbed: set[int] = set()  # exercises whose answer cell still holds the stub
    current: Exercise | None = None
    for cell in nb.cells:
        meta = _meta(cell)
        if meta.get("solution"):
            written = bool(meta.get("grade"))
            if cell.cell_type != "code" and not written:
                continue
            current = Exercise(meta.get("grade_id", "?"), WRITTEN if written else NO_TEST,
                               written=written)
            if cell.cell_type == "code" and _stub(cell.source):
                stubbed.add(id(current))
            result.append(current)
            answers[current.grade_id] = current
            err = _error(cell) if cell.cell_type == "code" else None
            if err is not None and err[0] == "NotImplementedError" or \
                    written and _stub(cell.source):
                current.answered = False
                if not written:
                    current.status = NOT_STARTED
                    current.message = "the answer cell still raises the stub"
                settled.add(id(current))
            elif err is not None:
                current.status = FAILED
                current.message = f"your answer cell raised {_message(err)}"
                settled.add(id(current))
        elif meta.get("grade") and cell.cell_type == "code":
            owner = _owner(meta.get("grade_id", ""), answers, current)
            if owner is None or id(owner) in settled:
                continue
            if not cell.source.strip():
                continue  # a hidden test cell, emptied in the student version
            err = _error(cell)
            if err is None:
                if owner.status == NO_TEST:
                    owner.status = PASSED
            elif err[0] == "NotImplementedError":
                if not owner.written:
                    owner.status = NOT_STARTED
                    owner.message = "the answer cell still raises the stub"
            elif err[0] == "NameError" and id(owner) in stubbed and not owner.written:
                # a name an earlier, unanswered exercise should have defined; this one is
                # not started either
                owner.status = NOT_STARTED
                owner.message = "the answer cell still raises the stub"
            elif owner.status != NOT_STARTED:
                owner.status, owner.message = FAILED, _message(err)
                if err[0] == "NameError" and any(not ex.ok for ex in
                                                 result[:result.index(owner)]):
                    owner.message += (" (a cell above did not define it: answer the "
                                      "exercises above first, then run the notebook again)")
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
        if ex.status == WRITTEN:
            symbol = SYMBOL[WRITTEN] if ex.answered else SYMBOL[NOT_STARTED]
            status = f"{WRITTEN} ({'answered' if ex.answered else 'not started'})"
        else:
            symbol, status = SYMBOL[ex.status], ex.status
        line = f"  {symbol} {ex.grade_id:<36} {status}"
        if ex.message:
            message = ex.message if len(ex.message) <= 1200 else ex.message[:1197] + "..."
            line += "\n" + textwrap.fill(message, width=92, initial_indent=" " * 6,
                                         subsequent_indent=" " * 6, break_long_words=False,
                                         break_on_hyphens=False)
        lines.append(line)
    code = [ex for ex in items if not ex.written]
    written = [ex for ex in items if ex.written]
    done = sum(ex.status == PASSED for ex in code)
    summary = f"\n{done} of {len(code)} exercises pass their visible tests."
    if written:
        answered = sum(ex.answered for ex in written)
        summary += (f" {len(written)} written answer{'s are' if len(written) > 1 else ' is'} "
                    f"graded by hand ({answered} answered).")
    lines.append(summary + " Hidden tests run when your work is graded, on fresh data.")
    return "\n".join(lines)
