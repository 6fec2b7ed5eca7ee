"""Generate student notebooks (``assignments/``) from the sources (``solutions/``).

Generation runs in a temporary course directory, so it never touches the instructor's
gradebook and can run while grading is under way. ``check`` compares what generation
produces with what is committed; ``write`` replaces a module's release folder with it.
"""

from __future__ import annotations

import filecmp
import json
import shutil
import tempfile
from pathlib import Path

from .coursedir import CourseDir, last_error, make_course_dir, nbgrader


class ReleaseError(RuntimeError):
    """nbgrader could not generate a module's student version."""


def generate(course: CourseDir, module: str, into: Path) -> Path:
    """Generate ``module``'s student version into ``into``/<module>; return that folder."""
    with tempfile.TemporaryDirectory(prefix="safety-release-") as tmp:
        work = make_course_dir(Path(tmp) / "course", course, [module])
        out = Path(tmp) / "release"
        proc = nbgrader(work, "generate_assignment", module, "--force", "--no-db",
                        f"--CourseDirectory.release_directory={out}")
        if proc.returncode != 0 or not (out / module).is_dir():
            raise ReleaseError(f"{module}: nbgrader generate_assignment failed: "
                               f"{last_error(proc)}")
        dest = Path(into) / module
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(out / module, dest)
    return dest


def _normalise(path: Path):
    if path.suffix == ".ipynb":
        return json.loads(path.read_text(encoding="utf-8"))
    return path.read_bytes()


def differences(expected: Path, actual: Path) -> list[str]:
    """Files that differ between two release folders, as readable lines."""
    problems = []
    cmp = filecmp.dircmp(expected, actual, ignore=["__pycache__", ".ipynb_checkpoints"])
    stack = [(cmp, Path("."))]
    while stack:
        node, rel = stack.pop()
        problems += [f"missing from assignments/: {rel / n}" for n in node.left_only]
        problems += [f"not produced by generation: {rel / n}" for n in node.right_only]
        for name in node.common_files:
            a, b = Path(node.left) / name, Path(node.right) / name
            if _normalise(a) != _normalise(b):
                problems.append(f"differs from generation: {rel / name}")
        stack += [(sub, rel / name) for name, sub in node.subdirs.items()]
    return sorted(problems)


def check(course: CourseDir, modules: list[str] | None = None) -> dict[str, list[str]]:
    """For each module, the ways ``assignments/<module>`` differs from generation."""
    report = {}
    with tempfile.TemporaryDirectory(prefix="safety-check-") as tmp:
        for module in modules or course.modules():
            fresh = generate(course, module, Path(tmp))
            committed = course.release / module
            if not committed.is_dir():
                report[module] = [f"assignments/{module} does not exist"]
            else:
                report[module] = differences(fresh, committed)
    return report


def write(course: CourseDir, modules: list[str] | None = None) -> list[Path]:
    """Regenerate ``assignments/<module>`` for the given modules (default: all)."""
    course.release.mkdir(exist_ok=True)
    return [generate(course, module, course.release) for module in modules or course.modules()]
