"""The course's nbgrader settings, applied by ``nbgrader_config.py`` and by every temporary
course directory the tools and tests build, so there is one source for them."""

from __future__ import annotations

COURSE_ID = "safety-first-ml"
SOURCE_DIR = "solutions"
RELEASE_DIR = "assignments"

STUB_MESSAGE = "Replace this line with your answer, then run the test cell below it."
CODE_STUB = f'# YOUR CODE HERE\nraise NotImplementedError("{STUB_MESSAGE}")'
TEXT_STUB = "YOUR ANSWER HERE (replace this line with your written answer)"

CELL_TIMEOUT = 300
"""Seconds one cell may run under nbgrader (nbgrader's default of 30 is too tight for a
training loop on a slow laptop)."""


def apply(c) -> None:
    """Write the course's settings into a traitlets config object ``c``."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    from .preprocessors import RedactHiddenTests

    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.source_directory = SOURCE_DIR
    c.CourseDirectory.release_directory = RELEASE_DIR
    c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback",
                                ".DS_Store"]
    c.ClearSolutions.code_stub = {"python": CODE_STUB}
    c.ClearSolutions.text_stub = TEXT_STUB
    c.Execute.timeout = CELL_TIMEOUT
    # A deleted test cell is put back on autograde, so it cannot keep an old score.
    c.OverwriteCells.add_missing_cells = True
    # Feedback keeps each failure's message but never the hidden tests' source.
    c.GenerateFeedback.preprocessors = [GetGrades, RedactHiddenTests, CSSHTMLHeaderPreprocessor]
