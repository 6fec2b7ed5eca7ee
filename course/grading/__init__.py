"""Instructor tooling on top of nbgrader: release, cohort grading, feedback, demo.

nbgrader is the engine (gradebook, generate_assignment, autograde, feedback, export);
this package adds what instructors otherwise script by hand: checking that assignments/
matches generation, grading a batch where one broken submission never stops the rest, a
status per student, and hidden tests removed from feedback.
"""


def fast_imports() -> None:
    """Skip importing ``rfc3987_syntax`` in grading processes. jsonschema loads it, when
    installed, only to check the "iri" string format, which no notebook schema uses, and
    it builds a parser at import: about 2 s of every process that imports nbformat. Call
    before anything imports jsonschema."""
    import sys

    sys.modules.setdefault("rfc3987_syntax", None)


def stamp_gradebooks_in_process() -> None:
    """Have nbgrader stamp a new gradebook without starting a process. nbgrader asks for
    the database schema's revision by running the ``alembic heads`` command, a fresh
    Python that imports nbgrader again (about 5 s of CPU); alembic's script directory
    gives the same revision here. Call where nbgrader may create a gradebook."""
    import nbgrader.api
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    head = ScriptDirectory(ALEMBIC_DIR).get_current_head()
    nbgrader.api.get_alembic_version = lambda: head
