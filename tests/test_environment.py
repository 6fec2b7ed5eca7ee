"""The set-up files agree: pyproject's ranges, the lock's pins, environment.yml, README."""

import re
import tomllib

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import REPO


def _pyproject_deps():
    data = tomllib.loads((REPO / "pyproject.toml").read_text())
    return {canonicalize_name(Requirement(d).name): Requirement(d)
            for d in data["project"]["dependencies"]}


def _lock():
    pins = {}
    for line in (REPO / "requirements.lock").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if m:
            pins[canonicalize_name(m.group(1))] = m.group(2)
    return pins


def test_lock_pins_every_dependency_within_its_range():
    pins = _lock()
    for name, req in _pyproject_deps().items():
        assert name in pins, f"{name} is in pyproject.toml but not in requirements.lock"
        assert req.specifier.contains(pins[name], prereleases=True), \
            f"requirements.lock pins {name}=={pins[name]}, outside {req.specifier}"


def test_environment_yml_matches_pyproject():
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = {canonicalize_name(Requirement(d).name): Requirement(d)
              for d in pip_section if not d.startswith("-")}
    deps = _pyproject_deps()
    assert set(listed) == set(deps), (f"only in environment.yml: {set(listed) - set(deps)}; "
                                      f"only in pyproject: {set(deps) - set(listed)}")
    for name, req in deps.items():
        assert listed[name].specifier == req.specifier, f"{name}: ranges differ"
    assert any(str(d).startswith("python") for d in env["dependencies"])
    assert "-e ." in pip_section


def test_readme_gives_the_two_commands():
    readme = (REPO / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    ci = (REPO / ".ci" / "run").read_text()
    assert "make test" in ci


def test_jupyterlab_has_the_nbgrader_panels():
    """`make lab` opens JupyterLab with nbgrader's lab extension and server extensions."""
    import subprocess
    import sys
    from pathlib import Path

    jupyter = str(Path(sys.executable).parent / "jupyter")
    lab = subprocess.run([jupyter, "labextension", "list"], capture_output=True, text=True)
    assert "@jupyter/nbgrader" in lab.stdout + lab.stderr
    server = subprocess.run([jupyter, "server", "extension", "list"], capture_output=True,
                            text=True)
    listing = server.stdout + server.stderr
    for ext in ("formgrader", "assignment_list", "validate_assignment", "course_list"):
        assert f"nbgrader.server_extensions.{ext}" in listing, f"{ext} is not enabled"
