"""Instructor tooling on top of nbgrader: release, cohort grading, feedback, demo.

nbgrader is the engine (gradebook, generate_assignment, autograde, feedback, export);
this package adds what instructors otherwise script by hand: checking that assignments/
matches generation, grading a batch where one broken submission never stops the rest, a
status per student, and hidden tests removed from feedback.
"""

import contextlib
import threading


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


@contextlib.contextmanager
def one_engine_per_gradebook():
    """Inside this block nbgrader's ``Gradebook`` objects share one database engine per
    gradebook, and check its tables once. nbgrader opens the gradebook afresh for each
    step of a submission (about ten times), and each opening builds a SQLAlchemy engine,
    asks sqlite about every table and compiles every query again: a tenth of a second
    per submission. The engines are disposed of when the block ends."""
    import nbgrader.api as api

    engines: dict = {}
    checked: set = set()
    lock = threading.Lock()
    create_engine, metadata = api.create_engine, api.Base.metadata
    create_all, patched = metadata.create_all, metadata.__dict__.get("create_all")

    def shared_engine(url, **kwargs):
        with lock:
            if url not in engines:
                engines[url] = create_engine(url, **kwargs)
            return engines[url]

    def create_all_once(bind=None, **kwargs):
        if bind not in checked:
            create_all(bind=bind, **kwargs)
            checked.add(bind)

    api.create_engine, metadata.create_all = shared_engine, create_all_once
    try:
        yield
    finally:
        api.create_engine = create_engine
        if patched is None:
            del metadata.create_all
        else:
            metadata.create_all = patched
        for engine in engines.values():
            engine.dispose()
