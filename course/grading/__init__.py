"""Instructor tooling on top of nbgrader: release, cohort grading, feedback, demo.

nbgrader is the engine (gradebook, generate_assignment, autograde, feedback, export);
this package adds what instructors otherwise script by hand: checking that assignments/
matches generation, grading a batch where one broken submission never stops the rest, a
status per student, and hidden tests removed from feedback.
"""

from .speedups import (  # noqa: F401  (where grading has always imported them from)
    fast_imports,
    one_engine_per_gradebook,
    stamp_gradebooks_in_process,
)
