"""nbgrader preprocessors the course adds."""

from __future__ import annotations

from nbgrader.preprocessors import ClearHiddenTests
from nbgrader.preprocessors import Execute as NbgraderExecute

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
