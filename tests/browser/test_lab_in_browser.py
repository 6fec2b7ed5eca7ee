"""The course as a person sees it in JupyterLab, in Debian's chromium (`make test-browser`).

- A learner's lab (`make lab`) opens on assignments/ without tests/, benchmarks/ or
  egg-info in the way; it has no Jupyter news prompt, no Formgrader, no Create Assignment
  panel and no nbgrader menu (its assignment list needs an exchange that a self-paced
  learner has not got), and it has the Validate button.
- An instructor's lab (`make instructor`) has the nbgrader menu, Formgrader, the Create
  Assignment panel and the Validate button.
- Every student and solution notebook opens and runs all its cells from the Run menu;
  solutions show no error, student notebooks only the stub's NotImplementedError (or a
  NameError it causes) from the first answer cell on.
- Every explorer renders, and each of its sliders, dragged either way (down first when it
  starts at its maximum), changes what the explorer shows.
- No JavaScript errors in the console.
- A full-page screenshot of every notebook lands in reports/browser/ for a person to look
  at, with summary.txt (runs, seconds, errors per notebook).

`make test` collects this file only to skip it with one line: the browser tests are a
separate target. Without chromium, `make test-browser` skips with one line naming the
package, except in CI (``CI`` set), where a missing chromium fails the run.
"""

import contextlib
import os
import time
from pathlib import Path

import pytest

import labdriver as L

CHROMIUM = L.find_chromium()
_INSTALL = "apt-get install chromium (Debian's package; Playwright drives it, no download)"

if os.environ.get("COURSE_BROWSER_TESTS") != "1":
    pytest.skip("browser tests run with `make test-browser`"
                + ("" if CHROMIUM else f"; they need chromium: {_INSTALL}"),
                allow_module_level=True)
if CHROMIUM is None:
    if os.environ.get("CI"):
        pytest.fail(f"chromium is missing in CI: {_INSTALL}", pytrace=False)
    pytest.skip(f"chromium not found: {_INSTALL}, or set CHROMIUM to its path",
                allow_module_level=True)

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

from course.grading import cohort  # noqa: E402
from course.grading.nbconfig import STUB_MESSAGE  # noqa: E402

REPORTS = Path(os.environ.get("COURSE_BROWSER_REPORTS", L.REPO / "reports" / "browser"))
UI_CLIP = {"x": 0, "y": 0, "width": L.VIEWPORT["width"], "height": 1000}
MODULES = sorted(p.name for p in (L.REPO / "solutions").iterdir() if p.is_dir()
                 and any(p.glob("*.ipynb")))


def _notebook(kind: str, module: str) -> str:
    folder = L.REPO / kind / module
    return f"{kind}/{module}/{sorted(folder.glob('*.ipynb'))[0].name}"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return L.copy_course(tmp_path_factory.mktemp("browser") / "course")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=L.CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def summary():
    REPORTS.mkdir(parents=True, exist_ok=True)
    lines = []
    yield lines
    (REPORTS / "summary.txt").write_text(
        "notebook | runs | run all (s) | sliders (s) | screenshot (s) | slices | height px | "
        "errors\n"
        + "\n".join(lines) + "\n")


def _lab(role, course, tmp_path_factory):
    lab = L.Lab(role, course, tmp_path_factory.mktemp(f"{role}-home")).start()
    try:
        yield lab
    finally:
        lab.stop()


@pytest.fixture(scope="class")
def learner(course, tmp_path_factory):
    yield from _lab("learner", course, tmp_path_factory)


@pytest.fixture(scope="class")
def instructor(course, tmp_path_factory):
    yield from _lab("instructor", course, tmp_path_factory)


def _no_console_errors(page):
    # JupyterLab logs no error on a healthy page: none is ignored so far.
    assert not page.console_errors, "JavaScript console errors:\n" + "\n".join(
        page.console_errors)


def _right_sidebar_titles(page):
    return [t.strip() for t in page.locator(
        ".jp-SideBar.jp-mod-right .lm-TabBar-tab").evaluate_all(
        "tabs => tabs.map(t => t.getAttribute('title') || t.textContent)")]


def _listing(page):
    page.wait_for_timeout(300)
    return sorted(page.locator(".jp-DirListing-item .jp-DirListing-itemText").all_inner_texts())


@contextlib.contextmanager
def _opened(lab, browser, path, name, summary):
    """A page with the notebook open. Whatever happens, the notebook is then shot for
    reports/browser/<name>.png, its line added to summary.txt, its kernel shut down."""
    page = lab.open_page(browser, path)
    nb = L.Notebook(page, path)
    record = {"runs": 0, "run": 0.0, "sliders": 0.0, "errors": "?"}
    try:
        yield nb, record
    finally:
        start, shot = time.monotonic(), "?"
        try:
            slices, height = nb.screenshot(REPORTS / f"{name}.png")
            shot = f"{slices} | {height}"
        except Exception as exc:  # the test's own failure matters more
            shot = f"screenshot failed: {exc!r:.200}"
        summary.append(f"{path} | {record['runs']} | {record['run']:.1f} | "
                       f"{record['sliders']:.1f} | {time.monotonic() - start:.1f} | {shot} | "
                       f"{record['errors']}")
        lab.shutdown_kernels()
        page.context.close()


def _run_all(nb, record):
    """Clear the outputs and run all cells from the Run menu; every code cell runs."""
    L.menu(nb.page, "Edit", "Clear Outputs of All Cells")
    start = time.monotonic()
    record["runs"] = nb.run_all()
    record["run"] = time.monotonic() - start
    model = nb.model()
    missed = [i for i, c in enumerate(model.cells) if c.cell_type == "code"
              and c.source.strip() and c.get("execution_count") is None]
    assert not missed, f"{nb.path}: cells {missed} did not run"
    record["errors"] = len(_errors(model))
    return model


def _errors(model):
    return [(i, o) for i, c in enumerate(model.cells) if c.cell_type == "code"
            for o in c.get("outputs", []) if o.get("output_type") == "error"]


def _check_explorers(nb, model, path, required: bool):
    """Each explorer cell: sliders and a figure render, and dragging each slider either way
    changes the figure or text below it. Returns how many sliders were moved."""
    moved = 0
    for index in L.explorer_cells(model):
        if not required and (_errors_in(model, index) or _says_needs(model, index)):
            continue  # a student's explorer that needs an unanswered exercise says so
        cell = nb.cell(index)
        sliders = cell.locator(".widget-slider")
        sliders.first.wait_for(timeout=60_000)
        cell.locator(".widget-output img").first.wait_for(timeout=60_000)
        for k in range(sliders.count()):
            slider = sliders.nth(k)
            value, low, high = L.slider_value(slider.locator(".noUi-handle").first)
            # a slider at its maximum can only go down first
            for direction in ((-1, 1) if value >= high else (1, -1)):
                shown = L.explorer_output(cell)
                before, after = L.drag_slider(nb.page, slider, direction)
                assert (after - before) * direction > 0, \
                    f"{path} cell {index} slider {k}: dragging {direction:+d} left it at {before}"
                now = L.wait_for_change(cell, shown)
                assert now != shown, (f"{path} cell {index} slider {k}: moving it from "
                                      f"{before} to {after} did not change the output")
                moved += 1
    return moved


def _errors_in(model, index):
    return [o for o in model.cells[index].get("outputs", []) if o.get("output_type") == "error"]


def _says_needs(model, index):
    """The one line `course.notebook.needs` prints for an unanswered exercise."""
    return any("(This cell needs" in o.get("text", "")
               for o in model.cells[index].get("outputs", []) if o.get("output_type") == "stream")


def _validate_button(page):
    """nbgrader's Validate button in the notebook's toolbar (it waits for it)."""
    button = page.locator(".jp-NotebookPanel-toolbar jp-button:has-text('Validate')")
    button.wait_for()
    return button


def test_make_starts_the_labs_these_tests_start():
    """`make lab` and `make instructor` pass the settings the labs here are started with."""
    import subprocess

    for target, role in (("lab", "learner"), ("instructor", "instructor")):
        recipe = subprocess.run(["make", "-n", "-C", str(L.REPO), target], capture_output=True,
                                text=True, check=True).stdout
        assert f"JUPYTER_CONFIG_PATH='{L.REPO}/jupyter-config/{role}" in recipe, recipe
        assert f"PATH='{L.REPO}/.venv/bin':" in recipe, recipe


class TestLearnerLab:
    def test_opens_on_assignments_without_instructor_tools(self, learner, browser, course):
        page = learner.open_page(browser)
        crumbs = page.locator(".jp-BreadCrumbs").inner_text()
        assert "assignments" in crumbs, f"the file browser opens on {crumbs!r}"
        expected = sorted(p.name for p in (course / "assignments").iterdir() if p.is_dir())
        assert _listing(page) == expected
        page.screenshot(path=REPORTS / "learner-lab.png", clip=UI_CLIP)
        # up to the course folder: the learner's folders, not the project's machinery
        for _ in range(5):  # a click during the file browser's first refresh can be lost
            page.locator(".jp-BreadCrumbs-home").click()
            try:
                page.wait_for_selector('.jp-DirListing-itemText >> text="solutions"',
                                       timeout=5000)
                break
            except PlaywrightTimeout:
                continue
        else:
            pytest.fail("the file browser's home button does not lead to the course folder")
        top = _listing(page)
        assert {"assignments", "solutions"} <= set(top)
        hidden = [n for n in top if n in ("tests", "benchmarks", "jupyter-config", "deploy")
                  or n.endswith(".egg-info")]
        assert not hidden, f"the learner's file browser shows {hidden}"
        # instructor tools are off: no nbgrader menu (its only entry left would be an
        # assignment list that needs an exchange), no Formgrader, no Create Assignment
        bar = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
        assert "Nbgrader" not in bar, bar
        assert not any("Create Assignment" in t for t in _right_sidebar_titles(page))
        assert learner.get("/formgrader")[0] == 404
        assert learner.get("/assignments")[0] == 404
        # no "Would you like to get notified about official Jupyter news?"
        page.wait_for_timeout(1000)
        toasts = " ".join(page.locator(".Toastify__toast").all_inner_texts())
        assert "news" not in toasts.lower(), toasts
        _no_console_errors(page)

    @pytest.mark.parametrize("module", MODULES)
    def test_student_notebook(self, learner, browser, summary, module):
        path = _notebook("assignments", module)
        with _opened(learner, browser, path, f"learner-{module}", summary) as (nb, record):
            model = _run_all(nb, record)
            errors = _errors(model)
            first_answer = next(i for i, c in enumerate(model.cells) if cohort.is_answer(c))
            for i, out in errors:
                where = f"{path} cell {i} ({model.cells[i].source[:60]!r})"
                assert i > first_answer, f"{where} fails before the first answer cell"
                if out["ename"] == "NotImplementedError":
                    assert out["evalue"] == STUB_MESSAGE, f"{where}: {out['evalue']}"
                else:
                    assert out["ename"] == "NameError", \
                        f"{where} fails with {out['ename']}: {out['evalue']}"
            assert any(o["ename"] == "NotImplementedError" for _, o in errors), \
                f"{path}: no exercise says it is unanswered"
            start = time.monotonic()
            _check_explorers(nb, model, path, required=False)
            record["sliders"] = time.monotonic() - start
            validate = _validate_button(nb.page)
            if module == MODULES[0]:
                # once (it runs the whole notebook again): Validate reports the stub
                validate.click()
                dialog = nb.page.locator(".jp-Dialog")
                dialog.wait_for(timeout=180_000)
                text = dialog.inner_text()
                assert "Validation Results" in text and STUB_MESSAGE in text, text[:500]
                dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
        _no_console_errors(nb.page)


class TestInstructorLab:
    def test_has_formgrader_and_create_assignment(self, instructor, browser):
        page = instructor.open_page(browser)
        items = L.menu_items(page, "Nbgrader")
        for item in ("Formgrader", "Create assignment"):
            assert item in items, f"the Nbgrader menu has {items}"
        assert any("Create Assignment" in t for t in _right_sidebar_titles(page))
        L.menu(page, "Nbgrader", "Formgrader")
        # Manage Assignments lists every module (solutions/ is nbgrader's source folder);
        # it reads the gradebook, which needs `alembic` on PATH
        frame = page.frame_locator("#formgrader-iframe iframe")
        for module in MODULES:
            frame.get_by_text(module, exact=True).first.wait_for(timeout=60_000)
        page.screenshot(path=REPORTS / "instructor-formgrader.png", clip=UI_CLIP)
        _no_console_errors(page)

    @pytest.mark.parametrize("module", MODULES)
    def test_solution_notebook(self, instructor, browser, summary, module):
        path = _notebook("solutions", module)
        with _opened(instructor, browser, path, f"instructor-{module}", summary) as (nb, record):
            model = _run_all(nb, record)
            errors = _errors(model)
            assert not errors, f"{path}: " + "; ".join(
                f"cell {i}: {o['ename']}: {o['evalue'][:300]}" for i, o in errors)
            assert record["runs"] == 1
            start = time.monotonic()
            moved = _check_explorers(nb, model, path, required=True)
            record["sliders"] = time.monotonic() - start
            assert moved >= 2 * len(L.explorer_cells(model)) > 0
            _validate_button(nb.page)
        _no_console_errors(nb.page)
