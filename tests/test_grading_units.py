"""Small pieces of the grading tools, without running nbgrader."""

import json
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from course import selfcheck
from course.grading import autograde, cohort
from course.grading.coursedir import CourseDir, find_course_dir
from course.grading.preprocessors import RedactHiddenTests


def _meta(grade_id, *, solution=False, grade=False, points=0):
    return {"nbgrader": {"grade_id": grade_id, "solution": solution, "grade": grade,
                         "locked": not solution, "points": points, "schema_version": 3,
                         "task": False}}


@pytest.fixture
def course(tmp_path):
    c = CourseDir(tmp_path)
    (c.source / "m99-demo").mkdir(parents=True)
    nbformat.write(new_notebook(), c.source / "m99-demo" / "m99-demo.ipynb")
    (tmp_path / "nbgrader_config.py").write_text("")
    return c


def _submit(course, student, text):
    folder = course.submitted / student / "m99-demo"
    folder.mkdir(parents=True)
    (folder / "m99-demo.ipynb").write_text(text)


def test_preflight_reports_each_kind_of_broken_submission(course):
    _submit(course, "ok", nbformat.writes(new_notebook()))
    _submit(course, "json", "{ not json")
    _submit(course, "schema", '{"cells": 3, "nbformat": 4, "nbformat_minor": 5, "metadata": {}}')
    (course.submitted / "renamed" / "m99-demo").mkdir(parents=True)
    (course.submitted / "renamed" / "m99-demo" / "Copy of m99-demo.ipynb").write_text("{}")
    (course.submitted / "binary" / "m99-demo").mkdir(parents=True)
    (course.submitted / "binary" / "m99-demo" / "m99-demo.ipynb").write_bytes(b"\xff\xfe\x00")
    assert autograde.preflight(course, "ok", "m99-demo") is None
    assert "not valid JSON" in autograde.preflight(course, "json", "m99-demo")
    assert "not a valid notebook" in autograde.preflight(course, "schema", "m99-demo")
    assert "missing (found: Copy of m99-demo.ipynb)" in autograde.preflight(
        course, "renamed", "m99-demo")
    assert "not text" in autograde.preflight(course, "binary", "m99-demo")
    assert "no folder" in autograde.preflight(course, "nobody", "m99-demo")
    assert autograde.students(course, "m99-demo") == ["binary", "json", "ok", "renamed", "schema"]


def test_grade_one_never_raises_on_a_broken_submission(course):
    _submit(course, "json", "{ not json")
    r = autograde.grade_one(course, "json", "m99-demo")
    assert r.status == autograde.FAILED and "not valid JSON" in r.reason


def test_summarise_names_each_exercise_once():
    text = autograde.summarise([
        "m00-a-visible: NotImplementedError: Replace this line",
        "m00-a-hidden: NotImplementedError: Replace this line",
        "m00-b-hidden: CheckFailed: Check failed: the order.",
    ])
    assert text == "m00-a (not started), m00-b (CheckFailed)"


def test_answers_and_fill_round_trip():
    src = new_notebook(cells=[
        new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION",
                      metadata=_meta("m99-f", solution=True)),
        new_code_cell("assert f() == 1", metadata=_meta("m99-f-visible", grade=True)),
    ])
    sol = cohort.answers(src)
    assert sol == {"m99-f": "def f():\n    return 1"}
    student = new_notebook(cells=[new_code_cell("def f():\n    raise NotImplementedError()",
                                                metadata=_meta("m99-f", solution=True))])
    filled = cohort.fill(student, sol)
    assert filled.cells[0].source == "def f():\n    return 1"
    assert student.cells[0].source.endswith("NotImplementedError()")  # input untouched
    assert cohort.answer_ids(filled) == ["m99-f"]


def test_redaction_keeps_the_message_and_drops_the_test_lines():
    cell = new_code_cell(
        "check.done()\n### BEGIN HIDDEN TESTS\nsecret_reference = 42\n### END HIDDEN TESTS",
        metadata=_meta("m99-f-hidden", grade=True, points=2))
    cell.outputs = [new_output("error", ename="CheckFailed", evalue="Check failed: the order.",
                               traceback=["  secret_reference = 42", "CheckFailed: ..."])]
    out, _ = RedactHiddenTests().preprocess_cell(cell, {}, 0)
    assert "secret_reference" not in out.source
    assert out.outputs[0]["traceback"] == ["CheckFailed: Check failed: the order."]
    only_hidden = new_code_cell("### BEGIN HIDDEN TESTS\nx = 1\n### END HIDDEN TESTS",
                                metadata=_meta("m99-g-hidden", grade=True, points=1))
    out, _ = RedactHiddenTests().preprocess_cell(only_hidden, {}, 0)
    assert out.source == "# hidden tests ran here"


def test_selfcheck_reads_exercise_status_from_outputs():
    def err(ename, evalue):
        return [new_output("error", ename=ename, evalue=evalue, traceback=[])]

    cells = [
        new_code_cell("a", metadata=_meta("m99-a", solution=True)),
        new_code_cell("t", metadata=_meta("m99-a-visible", grade=True)),
        new_code_cell("", metadata=_meta("m99-a-hidden", grade=True, points=2)),
        new_code_cell("b", metadata=_meta("m99-b", solution=True)),
        new_code_cell("t", metadata=_meta("m99-b-visible", grade=True)),
        new_code_cell("c", metadata=_meta("m99-c", solution=True)),
        new_code_cell("t", metadata=_meta("m99-c-visible", grade=True)),
    ]
    cells[4].outputs = err("NotImplementedError", "Replace this line")
    cells[6].outputs = err("CheckFailed", "Check failed: the order.")
    items = selfcheck.exercises(new_notebook(cells=cells))
    assert [(e.grade_id, e.status) for e in items] == [
        ("m99-a", selfcheck.PASSED), ("m99-b", selfcheck.NOT_STARTED),
        ("m99-c", selfcheck.FAILED)]
    assert "the order" in items[2].message
    assert "1 of 3 exercises" in selfcheck.report(items)


def test_find_course_dir_explains_where_it_looked(tmp_path):
    with pytest.raises(FileNotFoundError, match="not inside a course directory"):
        find_course_dir(tmp_path)


def test_table_lists_every_student():
    rows = [autograde.Result("a", "m", autograde.GRADED, 3, 3),
            autograde.Result("b", "m", autograde.FAILED, reason="not valid JSON")]
    text = autograde.table(rows)
    assert "all tests passed" in text and "not valid JSON" in text


def test_sandbox_binds_a_course_under_tmp_over_the_private_tmp(monkeypatch):
    """A clone under /tmp (its virtualenv, its course package) must stay visible: the
    private /tmp is mounted first and the binds go on top of it."""
    from course.grading import sandbox

    monkeypatch.setattr(sandbox, "_course_package_dir", lambda: sandbox.Path("/tmp/x/course"))
    cmd = sandbox.bwrap_command(["true"], runtime_dir="/tmp/run", workdir="/tmp/w", uid=None)
    tmpfs = cmd.index("/tmp", cmd.index("--tmpfs"))
    course_bind = max(i for i, a in enumerate(cmd) if a == "/tmp/x/course")
    assert tmpfs < course_bind
    assert ["--dir", "/tmp"] not in [cmd[i:i + 2] for i in range(len(cmd) - 1)]


def test_gradebook_stamp_matches_nbgrader_own_answer(monkeypatch):
    """The in-process schema revision must be the one nbgrader would get from alembic."""
    import os
    import sys

    import nbgrader.api

    from course.grading import stamp_gradebooks_in_process

    bindir = os.path.dirname(sys.executable)
    monkeypatch.setenv("PATH", bindir + os.pathsep + os.environ.get("PATH", ""))
    expected = nbgrader.api.get_alembic_version()  # runs `alembic heads`
    # put nbgrader's own function back after the test
    monkeypatch.setattr(nbgrader.api, "get_alembic_version", nbgrader.api.get_alembic_version)
    stamp_gradebooks_in_process()
    assert nbgrader.api.get_alembic_version() == expected


def test_feedback_images_get_alt_text_without_parsing(monkeypatch):
    import re

    from nbconvert import HTMLExporter
    from nbconvert.exporters import html

    from course.grading import speedups, worker

    png = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9"
           "awAAAABJRU5ErkJggg==")
    nb = new_notebook(cells=[new_code_cell("plot()", outputs=[
        new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"})])])
    exporter = HTMLExporter(template_name="classic")
    before, _ = exporter.from_notebook_node(nb)
    monkeypatch.setattr(html, "BeautifulSoup", html.BeautifulSoup)  # restored afterwards
    speedups.alt_text_without_parsing()
    after, _ = exporter.from_notebook_node(nb)
    images = re.findall(r"<img[^>]*>", after)
    assert len(images) == len(re.findall(r"<img[^>]*>", before)) == 1
    assert f'alt="{worker.FIGURE_ALT}"' in images[0]
    assert 'alt="kept"' in html.BeautifulSoup('<img alt="kept" src="x">').__str__()
    lab, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    assert 'tabindex="0"' in lab  # a lab page is still parsed, its cells focusable


def test_grading_kernel_client_runs_notebooks_and_notices_a_dead_kernel():
    """The worker's kernel client (no closing quiet period) still gets every output, the
    first cell's included, and gives up on a kernel that died before answering."""
    import asyncio

    from course.grading import worker
    from course.grading.kernelclient import GradingKernelClient, GradingKernelManager
    from course.grading.preprocessors import Execute

    c = worker._config({"root": ".", "limits": {"cell_seconds": 60}, "reports": ".",
                        "sandbox": False})
    execute = Execute(config=c)
    assert execute.kernel_manager_class is GradingKernelManager
    assert execute.timeout == 60  # c.Execute still configures it
    nb = new_notebook(cells=[new_code_cell("print('first')"), new_code_cell("6 * 7")])
    execute.preprocess(nb, {})
    assert nb.cells[0].outputs[0]["text"] == "first\n"
    assert nb.cells[1].outputs[0]["data"]["text/plain"] == "42"

    async def dead():
        km = GradingKernelManager(kernel_name="python3", config=c)
        await km.start_kernel()
        kc = km.client()
        assert isinstance(kc, GradingKernelClient)
        await km.shutdown_kernel(now=True)
        kc.start_channels()
        try:
            with pytest.raises(RuntimeError, match="died"):
                await kc.wait_for_ready(timeout=30)
        finally:
            kc.stop_channels()

    asyncio.run(dead())


def test_launcher_notices_the_kernel_end_with_or_without_a_pidfd():
    import os
    import subprocess

    from course.grading import sandbox

    for use_pidfd in (True, False):
        proc = subprocess.Popen(["sleep", "0.3"])
        pidfd = os.pidfd_open(proc.pid) if use_pidfd else None
        try:
            assert not sandbox._ended(proc, pidfd, 0.01)
            assert sandbox._ended(proc, pidfd, 30) and proc.returncode == 0
        finally:
            proc.kill()
            if pidfd is not None:
                os.close(pidfd)


def test_kernel_folder_gets_the_released_files_only(tmp_path):
    """The sandbox's working folder holds the module's released files, never a notebook
    and never a file the student added (a submitted course/ or ipykernel_launcher.py would
    shadow what the tests import); a student's link out of the folder gets the original."""
    from course.grading import sandbox

    release, autograded, work = tmp_path / "source", tmp_path / "autograded", tmp_path / "w"
    for folder, text in ((release, "original"), (autograded, "as graded")):
        (folder / "helpers").mkdir(parents=True)
        (folder / "data.csv").write_text(text)
        (folder / "helpers" / "util.py").write_text(text)
        (folder / "m00.ipynb").write_text("{}")
    (release / "secret.csv").write_text("original")
    (release / "__pycache__").mkdir()
    (release / "__pycache__" / "x.pyc").write_bytes(b"")
    (autograded / "secret.csv").symlink_to(tmp_path / "outside.txt")
    (tmp_path / "outside.txt").write_text("the grader's file")
    (autograded / "course").mkdir()
    (autograded / "course" / "check.py").write_text("def equal(*a): pass")
    (autograded / "ipykernel_launcher.py").write_text("")

    sandbox._prepare_workdir(autograded, work, release)
    got = sorted(str(p.relative_to(work)) for p in work.rglob("*") if p.is_file())
    assert got == ["data.csv", "helpers/util.py", "secret.csv"]
    assert (work / "data.csv").read_text() == "as graded"
    assert (work / "secret.csv").read_text() == "original"
    sandbox._prepare_workdir(autograded, tmp_path / "none", None)
    assert not list((tmp_path / "none").iterdir())


def test_sandbox_processes_never_import_from_the_student_folder(tmp_path):
    """The kernel manager starts the launcher in the student's folder, as root: a submitted
    course/grading/sandbox.py there must not be what runs."""
    import subprocess
    import sys

    from course.grading import sandbox

    fake = tmp_path / "student" / "course" / "grading"
    fake.mkdir(parents=True)
    for init in (fake.parent / "__init__.py", fake / "__init__.py"):
        init.write_text("")
    (fake / "sandbox.py").write_text("open('PWNED', 'w').write('ran')\n")
    spec = sandbox.kernelspec(tmp_path / "k", uid=None, limits=sandbox.Limits(),
                              runtime=str(tmp_path / "rt"))
    argv = __import__("json").loads((spec / "kernel.json").read_text())["argv"]
    split = argv.index("--")
    launcher, kernel = argv[:argv.index("-m") + 2], argv[split + 1:]
    assert kernel[:4] == [sys.executable, "-P", "-m", "course.grading.kernel"]
    done = subprocess.run(launcher + ["--runtime", str(tmp_path), "--help", "--", "x"],
                          cwd=fake.parents[1], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "--release" in done.stdout, done.stderr
    assert not (fake.parents[1] / "PWNED").exists()


def test_grading_kernel_runs_without_a_debugger(tmp_path, monkeypatch):
    import json
    import sys

    from nbclient import NotebookClient

    spec = tmp_path / "kernels" / "grading"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-P", "-m", "course.grading.kernel", "-f",
                 "{connection_file}"], "display_name": "grading", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    nb = new_notebook(cells=[new_code_cell(
        "import ipykernel.debugger, numpy\nprint(ipykernel.debugger._is_debugpy_available, "
        "numpy.arange(3).sum())")])
    NotebookClient(nb, kernel_name="grading", timeout=60).execute()
    assert nb.cells[0].outputs[0]["text"] == "False 3\n"


def test_grading_kernel_runs_exit_handlers_and_keeps_the_exit_code(tmp_path):
    """The grading kernel skips the interpreter's teardown, not the exit handlers (which
    close its sockets in order) or the exit status a crash or sys.exit would give."""
    import subprocess
    import sys

    from jupyter_client import BlockingKernelClient
    from jupyter_client.connect import write_connection_file

    from course.grading.kernel import exit_code

    conn, _ = write_connection_file(str(tmp_path / "kernel.json"))
    kernel = subprocess.Popen([sys.executable, "-P", "-m", "course.grading.kernel", "-f", conn],
                              cwd=tmp_path)
    kc = BlockingKernelClient(connection_file=conn)
    kc.load_connection_file()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        marker = tmp_path / "atexit-ran"
        reply = kc.execute_interactive(
            f"import atexit\natexit.register(lambda: open({str(marker)!r}, 'w').write('yes'))",
            timeout=60)
        assert reply["content"]["status"] == "ok"
        kc.shutdown()
        assert kernel.wait(timeout=60) == 0
    finally:
        kc.stop_channels()
        kernel.kill()
    assert marker.read_text() == "yes"
    assert [exit_code(c) for c in (None, 0, 3, 256 + 7, True)] == [0, 0, 3, 7, 1]
    assert exit_code("a message") == 1


def test_gradebooks_share_an_engine_inside_the_block_and_nowhere_else(tmp_path, monkeypatch):
    import nbgrader.api as api

    from course.grading import one_engine_per_gradebook, stamp_gradebooks_in_process

    monkeypatch.setattr(api, "get_alembic_version", api.get_alembic_version)  # restored
    stamp_gradebooks_in_process()
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    original = api.create_engine
    with one_engine_per_gradebook():
        with api.Gradebook(url) as a, api.Gradebook(url) as b:
            assert a.engine is b.engine
            a.add_student("ada")
        with api.Gradebook(url) as c:  # the shared engine still works after a close
            assert [s.id for s in c.students] == ["ada"]
        other = tmp_path / "new.db"
        with api.Gradebook(f"sqlite:///{other}") as d:  # a new file still gets its tables
            d.add_student("bo")
    assert api.create_engine is original and "create_all" not in vars(api.Base.metadata)
    with api.Gradebook(url) as e, api.Gradebook(url) as f:
        assert e.engine is not f.engine and [s.id for s in e.students] == ["ada"]


def test_metadata_check_built_once_gives_jsonschema_own_answer(monkeypatch):
    import jsonschema
    from nbgrader.nbgraderformat import MetadataValidator, ValidationError, common

    from course.grading import speedups

    monkeypatch.setattr(common, "jsonschema", common.jsonschema)  # restored afterwards
    good = {"grade": True, "grade_id": "t1", "locked": True, "points": 2,
            "schema_version": 3, "solution": False, "task": False}
    bad = {**good, "points": "two"}
    validator = MetadataValidator()
    with pytest.raises(jsonschema.ValidationError) as expected:
        jsonschema.validate(bad, validator.schema)
    speedups.check_metadata_schema_once()
    assert common.jsonschema is not jsonschema
    validator.validate_cell(nbformat.from_dict(
        {"cell_type": "code", "metadata": {"nbgrader": good}, "source": ""}))
    with pytest.raises(ValidationError) as got:
        validator.validate_cell(nbformat.from_dict(
            {"cell_type": "code", "metadata": {"nbgrader": bad}, "source": ""}))
    assert got.value.message == expected.value.message


def _graded_cell(source, outputs, solution=False):
    from nbformat.v4 import new_code_cell

    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "solution": solution, "grade_id": "t",
                                 "points": 1, "schema_version": 3}
    cell.outputs = outputs
    return cell


def test_stderr_from_the_learner_does_not_zero_a_test():
    """nbgrader zeroes a test cell with stderr output; a debug line or a warning from the
    learner's own function is not a failed test, but an error still is."""
    from nbformat.v4 import new_notebook, new_output
    from nbgrader.utils import determine_grade

    from course.grading.preprocessors import StudentStderrIsNotAFailure

    talk = _graded_cell("t()", [new_output("stream", name="stderr", text="debug\n")])
    broken = _graded_cell("t()", [new_output("stream", name="stderr", text="w\n"),
                                  new_output("error", ename="CheckFailed", evalue="no",
                                             traceback=[])])
    nb = new_notebook(cells=[talk, broken])
    assert determine_grade(talk)[0] == 0  # nbgrader's own rule, which this preprocessor fixes
    StudentStderrIsNotAFailure().preprocess(nb, {})
    assert determine_grade(talk)[0] == 1 and talk.outputs[0]["text"] == "[stderr] debug\n"
    assert determine_grade(broken)[0] == 0


def test_outputs_are_capped_per_output_and_per_notebook():
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from course.grading.preprocessors import CapOutputs

    line = new_code_cell("print('y' * 20_000_000)")
    line.outputs = [new_output("stream", name="stdout", text="y" * 20_000_000)]
    fig = new_code_cell("plot")
    fig.outputs = [new_output("display_data", data={"image/png": "A" * 3_000_000,
                                                    "text/plain": "<Figure>"})]
    many = [new_code_cell(f"print({i})") for i in range(40)]
    for cell in many:
        cell.outputs = [new_output("stream", name="stdout", text="z" * 90_000)]
    nb = new_notebook(cells=[line, fig, *many])
    CapOutputs(max_total=1_000_000).preprocess(nb, {})
    assert len(line.outputs[0]["text"]) < 100_200
    assert "19,900,000 more characters" in line.outputs[0]["text"]
    assert list(fig.outputs[0]["data"]) == ["text/plain"]
    assert "image/png output of 3,000,000 bytes was cut" in fig.outputs[0]["data"]["text/plain"]
    sizes = sum(len(json.dumps(o)) for c in nb.cells for o in c.outputs)
    assert sizes <= 1_000_000 + 200
    assert any("passed 1,000,000 bytes" in o.get("text", "") for c in many for o in c.outputs)


def test_grading_processes_validate_notebooks_without_rfc3987_syntax():
    """fast_imports hides rfc3987_syntax; jsonschema must still load and nbformat still
    validate (jsonschema imports that package only for the "iri" format)."""
    import subprocess
    import sys

    code = ("from course.grading import fast_imports; fast_imports()\n"
            "import nbformat, sys\n"
            "nbformat.validate(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')]))\n"
            "assert sys.modules['rfc3987_syntax'] is None\n"
            "print('ok')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-500:]


def test_template_cache_keeps_pages_identical(monkeypatch):
    """cache_templates relies on TemplateExporter._create_environment returning the jinja
    environment every exporter renders with."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter

    from course.grading import speedups

    nb = new_notebook(cells=[new_code_cell("1 + 1", outputs=[
        new_output("execute_result", data={"text/plain": "2"}, execution_count=1)])])
    before, _ = HTMLExporter(template_name="classic").from_notebook_node(nb)
    monkeypatch.setattr(TemplateExporter, "_create_environment",
                        TemplateExporter._create_environment)  # restored afterwards
    speedups.cache_templates()
    first = HTMLExporter(template_name="classic")
    assert first.environment.bytecode_cache is not None
    again, _ = first.from_notebook_node(nb)
    third, _ = HTMLExporter(template_name="classic").from_notebook_node(nb)
    assert before == again == third


def test_replay_runs_cells_without_ipython_and_names_disagreements():
    """The second pass: plain exec of every cell; a test that passed in the kernel but
    fails here is a reason for review, one that failed in the kernel is not."""
    from course.grading import replay

    cells = [{"id": "a", "test": False, "source": "%matplotlib inline\nx = 2"},
             {"id": "t1", "test": True, "source": "assert x == 2"},
             {"id": "t2", "test": True, "source": "assert x == 3, 'x is not 3'"},
             {"id": "t3", "test": True, "source": "get_ipython()"},
             {"id": "a2", "test": False, "source": "raise SystemExit"},
             {"id": "t4", "test": True, "source": "assert x == 2"}]
    lines = []
    replay.run(cells, 5, lambda v: lines.append(replay.VERDICT + json.dumps(v)))
    out = "\n".join(lines)
    assert [json.loads(ln[len(replay.VERDICT):])["ok"] for ln in lines] == \
        [True, False, False, True]
    kernel = {"t1": None, "t2": None, "t3": "NameError: x", "t4": None}
    reasons = replay.disagreements(kernel, out)
    assert len(reasons) == 1 and reasons[0].startswith("t2 passed in the notebook")
    assert "x is not 3" in reasons[0]
    assert "never reached it" in replay.disagreements({"t9": None}, out)[0]


def test_replay_process_deletes_its_cells_and_keeps_its_channel(tmp_path):
    import subprocess
    import sys

    from course.grading import replay

    cells = tmp_path / "cells.json"
    cells.write_text(json.dumps({"cell_seconds": 5, "cells": [
        {"id": "a", "test": False, "source": f"import os\nseen = os.path.exists({str(cells)!r})\n"
                                              "print('@@REPLAY {\"id\": \"t\", \"ok\": true}')"},
        {"id": "t", "test": True, "source": "assert not seen"}]}))
    done = subprocess.run([sys.executable, "-P", "-m", "course.grading.replay", "-f",
                           str(cells)], capture_output=True, text=True, timeout=60)
    verdicts = [json.loads(ln[len(replay.VERDICT):]) for ln in done.stdout.splitlines()]
    assert verdicts == [{"id": "t", "ok": True, "error": None}, {"done": True}]
    assert not cells.exists()


def test_replay_reports_a_patched_check_before_a_test():
    from course.grading import replay

    cells = [{"id": "a", "test": False,
              "source": "from course import check\ncheck.close = lambda *a, **k: None"},
             {"id": "t", "test": True, "source": "check.close(1, 2, what='x')"}]
    lines = []
    replay.run(cells, 5, lambda v: lines.append(replay.VERDICT + json.dumps(v)))
    reasons = replay.disagreements({"t": None}, "\n".join(lines))
    assert reasons == ["in the plain re-run, before t: course.check.close was replaced"]
