"""Course directories and running nbgrader in them.

An nbgrader course directory holds ``nbgrader_config.py``, ``solutions/`` (the source),
``assignments/`` (the release), and, once grading starts, ``submitted/``, ``autograded/``,
``feedback/`` and the sqlite gradebook. The repository root is one; the tools and tests
build temporary ones with :func:`make_course_dir`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from . import nbconfig

CONFIG_TEXT = '''\
# The repository root is an nbgrader course directory: run nbgrader commands from here.
# The course's settings live in course/grading/nbconfig.py so that the tools and tests use
# the same ones; override any of them below the apply() line.
from course.grading import nbconfig

c = get_config()  # noqa: F821 (provided by nbgrader)
nbconfig.apply(c)
'''

GRADEBOOK = "gradebook.db"


@dataclass(frozen=True)
class CourseDir:
    """Paths of one nbgrader course directory."""

    root: Path

    @property
    def source(self) -> Path:
        return self.root / nbconfig.SOURCE_DIR

    @property
    def release(self) -> Path:
        return self.root / nbconfig.RELEASE_DIR

    @property
    def submitted(self) -> Path:
        return self.root / "submitted"

    @property
    def autograded(self) -> Path:
        return self.root / "autograded"

    @property
    def feedback(self) -> Path:
        return self.root / "feedback"

    @property
    def gradebook(self) -> Path:
        return self.root / GRADEBOOK

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.gradebook}"

    def modules(self) -> list[str]:
        """Module folders in the source directory that hold a notebook, sorted."""
        if not self.source.is_dir():
            return []
        return sorted(p.name for p in self.source.iterdir()
                      if p.is_dir() and any(p.glob("*.ipynb")))

    def notebooks(self, module: str) -> list[str]:
        """Notebook names (without .ipynb) of a module, from its source folder."""
        folder = self.source / module
        if not folder.is_dir():
            raise FileNotFoundError(
                f"no module {module!r} in {self.source}; modules: {', '.join(self.modules())}")
        return sorted(p.stem for p in folder.glob("*.ipynb"))


def find_course_dir(start: str | os.PathLike | None = None) -> CourseDir:
    """The course directory containing ``start`` (default: the working directory)."""
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "nbgrader_config.py").is_file() and (folder / nbconfig.SOURCE_DIR).is_dir():
            return CourseDir(folder)
    raise FileNotFoundError(
        f"{here} is not inside a course directory (a folder with nbgrader_config.py and "
        f"{nbconfig.SOURCE_DIR}/); run this from the course root or pass --course DIR")


def make_course_dir(root: str | os.PathLike, source: CourseDir, modules: list[str]) -> CourseDir:
    """A fresh course directory at ``root`` with the course config and some modules' sources."""
    course = CourseDir(Path(root))
    course.root.mkdir(parents=True, exist_ok=True)
    (course.root / "nbgrader_config.py").write_text(CONFIG_TEXT)
    for module in modules:
        src = source.source / module
        if not src.is_dir():
            raise FileNotFoundError(f"no module {module!r} in {source.source}")
        shutil.copytree(src, course.source / module,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return course


def nbgrader(course: CourseDir, *args: str, timeout: float | None = None,
             env: dict | None = None) -> subprocess.CompletedProcess:
    """Run an nbgrader command in the course directory; never raises on failure.

    Runs in its own process so that whatever one submission does to the interpreter cannot
    reach the caller; a timeout comes back as return code -9 with a message in stderr.
    """
    cmd = [sys.executable, "-m", "nbgrader", *args]
    run_env = {**os.environ, **(env or {})}
    run_env.pop("MPLBACKEND", None)  # let figures reach the notebook's outputs
    # nbgrader shells out to `alembic` when it creates a gradebook: find this environment's.
    bindir = str(Path(sys.executable).parent)
    run_env["PATH"] = bindir + os.pathsep + run_env.get("PATH", "")
    try:
        return subprocess.run(cmd, cwd=course.root, capture_output=True, text=True,
                              timeout=timeout, env=run_env, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        return subprocess.CompletedProcess(cmd, -9, exc.stdout or "",
                                           f"timed out after {timeout:.0f} s")


def last_error(proc: subprocess.CompletedProcess) -> str:
    """The most telling line of a failed nbgrader run's log."""
    lines = [ln.strip() for ln in (proc.stderr or "").splitlines() if ln.strip()]
    for marker in ("[ERROR]", "Error", "error"):
        found = [ln for ln in lines if marker in ln]
        if found:
            return found[-1][:300]
    return lines[-1][:300] if lines else f"nbgrader exited with code {proc.returncode}"
