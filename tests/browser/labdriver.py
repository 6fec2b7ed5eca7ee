"""Drive JupyterLab in Debian's chromium with Playwright (the PyPI package, whose driver ships
in the wheel; no browser is ever downloaded).

A ``Lab`` is a JupyterLab server on 127.0.0.1 with a token, started the way ``make lab``
(role ``learner``) or ``make instructor`` starts it, that is with the project's
``jupyter-config/<role>`` on ``JUPYTER_CONFIG_PATH``, but in a temporary copy of the course
and with the user's own Jupyter folders replaced by empty temporary ones. A ``Notebook`` is
one open notebook in a page: it runs all cells through the menus, as a person would, and
reads the notebook back from JupyterLab's model.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

# Chromium started headless, offline: without the background-networking flags it keeps
# trying to reach Google's services, which this kind of machine refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-quic"]
# chromium cannot take one screenshot taller than 16,384 px: a notebook is shot in slices,
# each the height of this (tall, so that there are few) window
VIEWPORT = {"width": 1280, "height": 3200}


def find_chromium() -> str | None:
    """Debian's chromium (``apt-get install chromium``), or the one $CHROMIUM names."""
    if "CHROMIUM" in os.environ:
        path = os.environ["CHROMIUM"]
        return path if os.access(path, os.X_OK) else None
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium",
                      shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def copy_course(dest: Path) -> Path:
    """A copy of the course to run JupyterLab in: running notebooks in a lab changes them."""
    shutil.copytree(REPO, dest, ignore=shutil.ignore_patterns(
        ".venv", ".git", "reports", "submitted", "autograded", "feedback", "gradebook.db*",
        "__pycache__", ".ipynb_checkpoints", ".pytest_cache", "corpus"))
    return dest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A JupyterLab server for one role (``learner`` or ``instructor``)."""

    def __init__(self, role: str, course: Path, home: Path):
        self.role, self.course, self.home = role, course, home
        self.token = f"course-{role}-{os.getpid()}"
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = home / f"{role}-lab.log"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 90) -> "Lab":
        env = {k: v for k, v in os.environ.items()
               if k not in ("MPLBACKEND", "NBGRADER_EXECUTION", "JUPYTER_CONFIG_PATH")}
        # the project's settings for this role, as `make lab` / `make instructor` pass them;
        # none of the user's own Jupyter settings, workspaces or kernels
        env["JUPYTER_CONFIG_PATH"] = str(self.course / "jupyter-config" / self.role)
        # as `make lab` does: this environment's scripts first (nbgrader's gradebook runs
        # `alembic` by name, so Formgrader fails without it)
        env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
        # the kernels import the copy's `course` package, not the working tree's
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(self.course),
                                                          env.get("PYTHONPATH")]))
        for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                         ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython"),
                         ("JUPYTERLAB_SETTINGS_DIR", "settings"),
                         ("JUPYTERLAB_WORKSPACES_DIR", "workspaces")):
            env[var] = str(self.home / self.role / sub)
        cmd = [str(BIN / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1",
               f"--port={self.port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={self.token}",
               f"--ServerApp.root_dir={self.course}",
               # lets the tests read notebook models and set the active cell; every
               # action a learner takes is still done through the menus
               "--LabApp.expose_app_in_browser=True"]
        if os.geteuid() == 0:
            cmd.append("--allow-root")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(cmd, cwd=self.course, env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab ({self.role}) exited:\n{self.log_tail()}")
            try:
                if self.get("/api/status")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"JupyterLab ({self.role}) did not answer in {timeout} s:\n"
                           f"{self.log_tail()}")

    def log_tail(self, n: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])

    def request(self, path: str, method: str = "GET") -> tuple[int, bytes]:
        req = urllib.request.Request(self.url + path, method=method,
                                     headers={"Authorization": f"token {self.token}"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def get(self, path: str) -> tuple[int, bytes]:
        return self.request(path)

    def shutdown_kernels(self) -> None:
        import json

        status, body = self.get("/api/kernels")
        if status == 200:
            for k in json.loads(body):
                self.request(f"/api/kernels/{k['id']}", method="DELETE")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.shutdown_kernels()
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # our own server's process group
                self.proc.wait(10)
        if getattr(self, "log", None):
            self.log.close()

    def open_page(self, browser, path: str = "", *, timeout: float = 90_000):
        """A new page on ``/lab`` (or ``/lab/tree/<path>``), logged in, in a fresh workspace;
        its console errors are collected in ``page.console_errors``."""
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.console_errors = []
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(
            f"console: {m.text} ({m.location.get('url', '')})"))
        page.on("pageerror", lambda e: page.console_errors.append(f"page error: {e}"))
        target = f"/lab/tree/{path}" if path else "/lab"
        page.goto(f"{self.url}{target}?reset&token={self.token}")
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell",
                               timeout=timeout)
        page.wait_for_selector(".jp-DirListing-content", timeout=timeout)
        return page


def menu(page, top: str, item: str) -> None:
    """Click a main-menu entry, as a person would: ``menu(page, "Run", "Run All Cells")``."""
    page.locator(f".lm-MenuBar-itemLabel:text-is('{top}')").click()
    page.locator(f"li.lm-Menu-item:not(.lm-mod-hidden) .lm-Menu-itemLabel:text-is('{item}')"
                 ).click()


def menu_items(page, top: str) -> list[str]:
    """The visible entries of a main menu (the menu is closed again)."""
    page.locator(f".lm-MenuBar-itemLabel:text-is('{top}')").click()
    page.wait_for_selector(".lm-Menu")
    labels = page.locator("li.lm-Menu-item:not(.lm-mod-hidden) .lm-Menu-itemLabel"
                          ).all_inner_texts()
    page.keyboard.press("Escape")
    return [x.strip() for x in labels if x.strip()]


_STATE_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const ctx = panel.sessionContext;
  const kernel = ctx.session && ctx.session.kernel;
  let running = 0;
  for (const c of panel.content.model.cells) {
    if (c.type === 'code' && c.executionState === 'running') running++;
  }
  return {kernel: kernel ? kernel.status : null, running};
}"""


class Notebook:
    """The notebook open in ``page`` (opened by ``Lab.open_page(browser, path)``)."""

    def __init__(self, page, path: str):
        self.page, self.path = page, path
        page.wait_for_function(
            "() => { const p = window.jupyterapp.shell.currentWidget;"
            " return p && p.content && p.content.model && p.sessionContext"
            " && p.sessionContext.session && p.sessionContext.session.kernel"
            " && p.sessionContext.session.kernel.status === 'idle'; }", timeout=90_000)

    def state(self) -> dict:
        return self.page.evaluate(_STATE_JS)

    def wait_idle(self, timeout: float = 300) -> None:
        """Until the kernel is idle and no cell is queued or running, twice in a row
        (JupyterLab marks every queued cell as running when Run All is clicked)."""
        deadline, calm = time.monotonic() + timeout, 0
        while time.monotonic() < deadline:
            s = self.state()
            calm = calm + 1 if s["kernel"] == "idle" and s["running"] == 0 else 0
            if calm >= 2:
                return
            time.sleep(0.3)
        raise TimeoutError(f"{self.path}: still running after {timeout} s ({self.state()})")

    def model(self):
        """The notebook as JupyterLab holds it now (nbformat), outputs included."""
        import nbformat

        data = self.page.evaluate(
            "() => window.jupyterapp.shell.currentWidget.content.model.toJSON()")
        return nbformat.from_dict(data)

    def run_all(self, timeout: float = 300) -> int:
        """Run > Run All Cells; where an error stops the run (an unanswered exercise), select
        the next cell that did not run and Run > Run Selected Cell and All Below, until every
        code cell ran. Returns how many runs it took."""
        menu(self.page, "Run", "Run All Cells")
        self.wait_idle(timeout)
        runs, last = 1, None
        while True:
            cells = self.model().cells
            waiting = [i for i, c in enumerate(cells) if c.cell_type == "code"
                       and c.source.strip() and c.get("execution_count") is None]
            if not waiting:
                return runs
            if waiting[0] == last:
                raise AssertionError(f"{self.path}: cell {last} does not run")
            last = waiting[0]
            self.page.evaluate(
                "i => { const nb = window.jupyterapp.shell.currentWidget.content;"
                " nb.activeCellIndex = i; nb.deselectAll(); nb.mode = 'command'; }", last)
            menu(self.page, "Run", "Run Selected Cell and All Below")
            self.wait_idle(timeout)
            runs += 1

    def cell(self, index: int):
        """A locator for cell ``index``, scrolled into view (so that it is rendered)."""
        self.page.evaluate(
            """async i => { const nb = window.jupyterapp.shell.currentWidget.content;
               await nb.scrollToItem(i, 'start');
               nb.widgets[i].node.setAttribute('data-course-cell', String(i)); }""", index)
        loc = self.page.locator(f"[data-course-cell='{index}']")
        loc.scroll_into_view_if_needed()
        return loc

    def screenshot(self, dest: Path) -> tuple[int, int]:
        """The whole notebook, shot slice by slice as it scrolls (one chromium screenshot
        stops at 16,384 px) and stitched into one PNG. Returns (slices, height)."""
        from PIL import Image

        page = self.page
        page.evaluate("() => { window.jupyterapp.shell.collapseLeft();"
                      " window.jupyterapp.shell.collapseRight(); }")
        # the notebook scrolls in its WindowedPanel-outer; the cells fill its -inner (below
        # them is JupyterLab's scroll-past-end space, left out)
        scroller = ("() => window.jupyterapp.shell.currentWidget.content.node"
                    ".querySelector('.jp-WindowedPanel-outer')")
        page.evaluate(f"() => {{ ({scroller})().scrollTop = 0; }}")
        page.wait_for_timeout(400)
        slices, top = [], 0
        while True:
            box = page.evaluate(f"""() => {{ const n = ({scroller})();
                const r = n.getBoundingClientRect();
                const inner = n.querySelector('.jp-WindowedPanel-inner');
                return {{x: r.x, y: r.y, width: n.clientWidth, height: n.clientHeight,
                        top: n.scrollTop, total: inner.offsetHeight + 16}}; }}""")
            height = min(box["height"], box["total"] - box["top"])
            png = page.screenshot(clip={"x": box["x"], "y": box["y"], "width": box["width"],
                                        "height": height})
            img = Image.open(io.BytesIO(png)).convert("RGB")
            skip = top - box["top"]  # the last slice stops short: drop what was shot already
            if skip > 0:
                img = img.crop((0, skip, img.width, img.height))
            slices.append(img)
            top = box["top"] + height
            if top >= box["total"] - 1 or len(slices) > 200:
                break
            page.evaluate(f"t => {{ ({scroller})().scrollTop = t; }}", top)
            page.wait_for_timeout(250)  # offscreen cells render as they come into view
        height = sum(s.height for s in slices)
        sheet = Image.new("RGB", (max(s.width for s in slices), height), "white")
        y = 0
        for s in slices:
            sheet.paste(s, (0, y))
            y += s.height
        dest.parent.mkdir(parents=True, exist_ok=True)
        sheet.save(dest, compress_level=3)
        return len(slices), height


# a call such as `risk_appetite_explorer(...)` or `display(threshold_explorer(...))`
EXPLORER_CALL = re.compile(r"(?<!def )\b\w+_explorer\(")


def explorer_cells(nb) -> list[int]:
    """Cells that build an interactive explorer (a ``*_explorer(...)`` call)."""
    return [i for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and EXPLORER_CALL.search(c.source)]


_OUTPUT_JS = """cell => [...cell.querySelectorAll('.widget-output')].map(o =>
    o.innerText + '|' + [...o.querySelectorAll('img')].map(i => i.src).join('|')).join('||')"""


def explorer_output(cell) -> str:
    """What an explorer shows below its sliders: the text and figures of its Output widgets
    (not the sliders' own read-outs)."""
    return cell.evaluate(_OUTPUT_JS)


def slider_value(handle) -> tuple[float, float, float]:
    """(value, min, max) of an ipywidgets slider's handle (noUiSlider's aria attributes)."""
    return tuple(float(handle.get_attribute(a))
                 for a in ("aria-valuenow", "aria-valuemin", "aria-valuemax"))


def drag_slider(page, slider, direction: int) -> tuple[float, float]:
    """Drag a slider's handle with the mouse, right (+1) or left (-1), far enough that its
    value changes; returns (value before, value after)."""
    handle = slider.locator(".noUi-handle").first
    track = slider.locator(".noUi-target").first
    before = slider_value(handle)[0]
    width = track.bounding_box()["width"]
    for share in (0.3, 0.5, 0.8):
        box = handle.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + direction * share * width, y, steps=8)
        page.mouse.up()
        after = slider_value(handle)[0]
        if after != before:
            return before, after
    return before, before


def wait_for_change(cell, before: str, timeout: float = 60) -> str:
    """The explorer's output once it differs from ``before`` and has settled (a figure is
    redrawn through clear_output(wait=True), so it changes in steps)."""
    deadline, last, same = time.monotonic() + timeout, None, 0
    while time.monotonic() < deadline:
        now = explorer_output(cell)
        if now != before and "data:image" in now:
            same = same + 1 if now == last else 0
            if same >= 2:
                return now
        last = now
        time.sleep(0.3)
    return explorer_output(cell)
