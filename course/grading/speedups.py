"""The library internals grading patches for speed, in one place, each with its gain.

Each patch changes how nbgrader, nbconvert or jsonschema does a thing, never what it
produces; tests/test_grading_units.py has a test per patch that fails when the library
changes what the patch relies on (not only when its version moves). Gains were measured
on two cores, per submission of m00 unless said otherwise; a patch whose gain stops
paying for its risk should go.

| patch | gain measured |
|---|---|
| :func:`fast_imports` | about 2 s of CPU per grading process (nbformat's import) |
| :func:`stamp_gradebooks_in_process` | about 5 s of CPU per new gradebook |
| :func:`one_engine_per_gradebook` | about 0.1 s per submission |
| :func:`cache_templates` | feedback page 0.79 s to 0.26-0.44 s |
| :func:`alt_text_without_parsing` | feedback page 0.57 s to 0.27 s |
| :func:`check_metadata_schema_once` | about 0.1 s per submission |
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


FIGURE_ALT = "A figure drawn by the code cell above"
"""The alt text feedback pages give figures (the page cannot know what a figure shows)."""


def cache_templates() -> None:
    """Keep compiled jinja2 templates in memory for the worker's life: nbgrader builds a
    new HTML exporter for each feedback page, which would compile the same templates again
    (about 0.5 s a student). The cache is keyed by template and checked against its source."""
    import jinja2
    from nbconvert.exporters.templateexporter import TemplateExporter

    store: dict = {}

    class MemoryCache(jinja2.BytecodeCache):
        def load_bytecode(self, bucket):
            if bucket.key in store:
                bucket.bytecode_from_string(store[bucket.key])

        def dump_bytecode(self, bucket):
            store[bucket.key] = bucket.bytecode_to_string()

    cache, create = MemoryCache(), TemplateExporter._create_environment

    def _create_environment(exporter):
        env = create(exporter)
        env.bytecode_cache = cache
        return env

    TemplateExporter._create_environment = _create_environment


def alt_text_without_parsing(alt: str = FIGURE_ALT) -> None:
    """Add alt text to a feedback page's images without parsing the page. nbconvert's HTML
    exporter reads every page it writes back into BeautifulSoup to give images without alt
    text a placeholder and lab-template cells a tab stop: about 0.3 s a page, a fifth of a
    worker's time per student. nbgrader's feedback template is the classic one (no lab
    cells), so only the alt text applies, and one pattern over the ``<img`` tags adds it;
    a page from the lab template still goes through BeautifulSoup."""
    import re

    from nbconvert.exporters import html

    no_alt = re.compile(r"<img(?![^>]*\salt=)", re.IGNORECASE)

    class Page:
        """What nbconvert uses of a BeautifulSoup document: ``select`` and ``str``."""

        def __init__(self, markup: str):
            self.markup = markup

        def select(self, _selector: str) -> list:
            return []

        def __str__(self) -> str:
            return no_alt.sub(f'<img alt="{alt}"', self.markup)

    soup = html.BeautifulSoup

    def parse(markup: str, features: str | None = None):
        return soup(markup, features=features) if "jp-Notebook" in markup else Page(markup)

    html.BeautifulSoup = parse


def check_metadata_schema_once() -> None:
    """Check each cell's nbgrader metadata against a validator built once per schema.
    nbgrader calls ``jsonschema.validate`` for every cell, which first checks the schema
    itself against the JSON Schema meta-schema and builds a new validator: about 0.1 s a
    submission, for the same answer ``validate`` gives."""
    import json

    import jsonschema
    from jsonschema.exceptions import best_match
    from nbgrader.nbgraderformat import common

    validators: dict = {}

    class SchemaOnce:
        ValidationError = jsonschema.ValidationError

        @staticmethod
        def validate(instance, schema):
            key = json.dumps(schema, sort_keys=True)
            if key not in validators:
                cls = jsonschema.validators.validator_for(schema)
                cls.check_schema(schema)
                validators[key] = cls(schema)
            error = best_match(validators[key].iter_errors(instance))
            if error is not None:
                raise error

    common.jsonschema = SchemaOnce


WORKER_PATCHES = (cache_templates, alt_text_without_parsing, check_metadata_schema_once)
"""Applied by each grading worker once; each falls back to the library's own way if the
library no longer has what it patches (the tests say so loudly)."""
