"""nbgrader preprocessors the course adds."""

from __future__ import annotations

import json

from nbformat.v4 import new_output
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor
from nbgrader.preprocessors import Execute as NbgraderExecute
from traitlets import Integer

from .kernelclient import GradingKernelManager


class RedactHiddenTests(ClearHiddenTests):
    """Remove hidden tests from feedback, including the lines a traceback would show.

    nbgrader's ``ClearHiddenTests`` deletes the hidden region from the cell's source but
    leaves its outputs, and a failing hidden test's traceback quotes the test's lines.
    Here the traceback of such a cell is cut to its last line (``CheckFailed: ...``),
    which is the message the course writes for the learner.
    """

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code" and self.begin_test_delimeter in cell.source:
            self._remove_hidden_test_region(cell)
            cell.source = cell.source.strip("\n") or "# hidden tests ran here"
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename', 'Error')}: "
                                           f"{output.get('evalue', '')}"]
        return cell, resources


class Execute(NbgraderExecute):
    """nbgrader's ``Execute`` (configured as ``c.Execute``), its kernels run by
    :class:`~course.grading.kernelclient.GradingKernelManager`. nbgrader passes its own
    kernel manager class as an argument, which configuration cannot override."""

    def __init__(self, **kwargs):
        kwargs.setdefault("kernel_manager_class", GradingKernelManager)
        super().__init__(**kwargs)


def _nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


class StudentStderrIsNotAFailure(NbGraderPreprocessor):
    """Stderr written while a test cell runs does not zero the test.

    nbgrader scores a test cell zero when any of its output went to stderr, meant for tests
    that fail by warning. The course's tests fail by raising; the stderr in a test cell is
    the learner's own function talking (a debug print to stderr, a ``warnings.warn``). Each
    such stream is kept, marked ``[stderr]``, on stdout. An error still zeroes the test.
    """

    def preprocess_cell(self, cell, resources, cell_index):
        meta = _nbgrader_meta(cell)
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream" and out.get("name") == "stderr":
                    out["name"] = "stdout"
                    out["text"] = "[stderr] " + out.get("text", "")
        return cell, resources


class CapOutputs(NbGraderPreprocessor):
    """Cap every output's size, and the notebook's, with a line that says what was cut.

    nbgrader's ``LimitOutput`` counts lines, so one 20 MB line goes through, into the
    autograded notebook and the feedback page. Text is cut to ``max_text`` characters per
    output, a figure or other rich payload over ``max_rich`` bytes is replaced by a note,
    and once the notebook's outputs pass ``max_total`` the rest are replaced by a note.
    """

    max_text = Integer(100_000, help="characters kept per text output").tag(config=True)
    max_rich = Integer(2_000_000, help="bytes per rich (image, HTML) payload").tag(config=True)
    max_total = Integer(20_000_000, help="bytes of outputs per notebook").tag(config=True)

    @staticmethod
    def _note(what: str) -> dict:
        return new_output("stream", name="stdout", text=f"[grader: {what}]\n")

    def _cap(self, out) -> None:
        kind = out.get("output_type")
        if kind == "stream":
            text = out.get("text", "")
            if len(text) > self.max_text:
                out["text"] = (text[:self.max_text] + f"\n[grader: {len(text) - self.max_text:,}"
                               " more characters of this output were cut]\n")
        elif kind == "error":
            value = out.get("evalue", "")
            if len(value) > self.max_text:
                out["evalue"] = value[:self.max_text] + " [grader: cut]"
            lines, total, kept = out.get("traceback", []), 0, []
            for line in lines:
                total += len(line)
                if total > self.max_text:
                    kept.append(f"[grader: {len(lines) - len(kept)} traceback lines cut]")
                    break
                kept.append(line)
            out["traceback"] = kept
        elif kind in ("display_data", "execute_result"):
            data = out.get("data", {})
            for mime in list(data):
                payload = data[mime]
                size = len(payload if isinstance(payload, str) else json.dumps(payload))
                limit = self.max_text if mime == "text/plain" else self.max_rich
                if size > limit:
                    if mime == "text/plain":
                        data[mime] = payload[:limit] + " [grader: cut]"
                    else:
                        del data[mime]
                        data["text/plain"] = f"[grader: a {mime} output of {size:,} bytes was cut]"

    def preprocess(self, nb, resources):
        total = 0
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            kept = []
            for out in cell.get("outputs", []):
                self._cap(out)
                size = len(json.dumps(out))
                if total + size > self.max_total:
                    kept.append(self._note("an output was cut: the notebook's outputs passed "
                                           f"{self.max_total:,} bytes"))
                    break
                total += size
                kept.append(out)
            cell.outputs = kept
        return nb, resources
