"""What the second cell of every notebook calls: house style, quiet warnings, a seed.

    >>> from course.notebook import start
    >>> rng = start()            # doctest: +SKIP

Warnings are shown on stdout instead of stderr. The learner still sees them, but nbgrader
scores a test cell zero when anything reaches stderr, and a harmless library warning
should not cost marks.
"""

from __future__ import annotations

import contextlib
import sys
import warnings

import numpy as np

from .data import COURSE_SEED, make_rng
from .plots import use_house_style


def _warning_to_stdout(message, category, filename, lineno, file=None, line=None):
    print(f"[{category.__name__}] {message}", file=sys.stdout)


def start(seed: int = COURSE_SEED) -> np.random.Generator:
    """Set up a course notebook and return a seeded generator."""
    use_house_style()
    warnings.showwarning = _warning_to_stdout
    # Library deprecation chatter is not the learner's business in this course.
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    return make_rng(seed)


@contextlib.contextmanager
def needs(*exercises: str):
    """Run a cell's body that uses earlier answers; say so in one line if one is missing.

        with needs("Exercise 1"):
            gate = fit_input_gate(train.text, train.harmful)

    An unanswered exercise (its stub raises ``NotImplementedError``, or a name it defines
    does not exist yet) prints one line on stdout instead of a traceback, so a learner's
    notebook does not fill with a cascade of errors after the first unanswered exercise.
    Every other error is raised as usual: a wrong answer must still show its traceback.
    """
    from .grading.nbconfig import STUB_MESSAGE

    try:
        yield
    except NotImplementedError as exc:
        if str(exc) != STUB_MESSAGE:
            raise
        print(f"(This cell needs {' and '.join(exercises)}: answer it, then run this cell "
              "again.)")
    except NameError as exc:
        print(f"(This cell needs {' and '.join(exercises)}: {exc}. Answer it and run the "
              "cells above, then run this cell again.)")
