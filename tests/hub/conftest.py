"""The hub's end-to-end test runs only when asked for by path (`pytest tests/hub`): it
creates unix users and takes minutes, so a plain `pytest` (make test) does not collect it."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent


def _asked_for(config) -> bool:
    for arg in config.args:
        path = Path(arg.split("::")[0]).resolve()
        if path == HERE or HERE in path.parents:
            return True
    return False


def pytest_ignore_collect(collection_path, config):
    if Path(collection_path).resolve() == HERE / "conftest.py":
        return None
    return None if _asked_for(config) else True


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    # The skip's reason on one line, even without -rs (and only once with it).
    if "s" not in (config.option.reportchars or "") and "a" not in (config.option.reportchars or ""):
        for rep in terminalreporter.stats.get("skipped", []):
            if isinstance(rep.longrepr, tuple):
                terminalreporter.write_line(f"SKIPPED {rep.longrepr[2]}")
    timings = getattr(config, "_hub_timings", None)
    if timings:
        terminalreporter.write_sep("-", "hub end-to-end timings (s)")
        for name, seconds in timings:
            terminalreporter.write_line(f"{seconds:8.1f}  {name}")
