"""A throwaway JupyterHub from deploy/jupyterhub/setup.sh on 127.0.0.1, run as root: the
setup.sh command, its temporary unix users (found and removed by setup.sh's marker) and the
hub process with its REST API.

Shared by the end-to-end test (tests/hub/test_cohort.py) and the load benchmark
(benchmarks/hub.py, which puts this folder on sys.path); it imports neither.
"""

from __future__ import annotations

import os
import pwd
import secrets
import signal
import socket
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SETUP = REPO / "deploy" / "jupyterhub" / "setup.sh"
SOFTWARE = Path(os.environ.get("SFML_HUB_SOFTWARE", "/opt/safety-first-ml-hub"))
MARKER = "safety-first-ml hub user (deploy/jupyterhub/setup.sh)"   # setup.sh's MARKER


def free_ports(n: int) -> list[int]:
    """``n`` distinct TCP ports free on 127.0.0.1 just now."""
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


def setup_command(prefix: Path, homes: Path, user_prefix: str, staff_group: str,
                  ports: list[int], students: list[str] | None = None) -> list[str]:
    """setup.sh's command line for a hub in ``prefix`` with homes in ``homes``; ``ports`` are
    the public, hub API and proxy API ports; ``students`` without the prefix (default:
    setup.sh's own)."""
    port, hub_port, proxy_port = ports
    return ["bash", str(SETUP), "--prefix", str(prefix), "--software", str(SOFTWARE),
            "--home-base", str(homes), "--user-prefix", user_prefix, "--staff-group", staff_group,
            *(["--students", " ".join(students)] if students is not None else []),
            "--port", str(port), "--hub-port", str(hub_port), "--proxy-api-port", str(proxy_port)]


# ------------------------------------------------------------------ users

def uid_of(name: str) -> int | None:
    try:
        return pwd.getpwnam(name).pw_uid
    except KeyError:
        return None


def ours(name: str) -> bool:
    """Whether ``name`` is a user setup.sh made."""
    try:
        return pwd.getpwnam(name).pw_gecos == MARKER
    except KeyError:
        return False


def user_pids(name: str) -> list[int]:
    """The processes running as ``name``."""
    uid = uid_of(name)
    if uid is None:
        return []
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except FileNotFoundError:
                pass
    return pids


def remove_users(names, group: str) -> None:
    """Delete these users (only those setup.sh marked), their processes and ``group``."""
    for name in names:
        if not ours(name):
            continue
        for pid in user_pids(name):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        subprocess.run(["userdel", name], capture_output=True)
        subprocess.run(["groupdel", name], capture_output=True)
    subprocess.run(["groupdel", group], capture_output=True)


# ------------------------------------------------------------------ the hub

class Hub:
    """The hub that ``prefix``/hub/run.sh starts with an admin token (output to ``log``): its
    REST API and its users' servers, through the proxy on 127.0.0.1:``port``."""

    def __init__(self, prefix: Path, port: int, log: Path, api_timeout: float = 60):
        import requests   # here: a skipped test imports nothing more

        self.requests = requests
        self.run_sh = prefix / "hub" / "run.sh"
        self.url = f"http://127.0.0.1:{port}"
        self.admin = secrets.token_hex(32)
        self.log = log
        self.api_timeout = api_timeout
        self.proc: subprocess.Popen | None = None
        self.tokens: dict[str, str] = {}

    def api(self, method: str, path: str, token: str | None = None, **kw):
        headers = {"Authorization": f"token {token or self.admin}"}
        return self.requests.request(method, f"{self.url}/hub/api{path}", headers=headers,
                                     timeout=self.api_timeout, allow_redirects=False, **kw)

    def server(self, method: str, user: str, path: str, as_user: str | None = None, **kw):
        """A request to ``user``'s server with ``as_user``'s token (default: their own)."""
        token = self.tokens[as_user or user]
        return self.requests.request(method, f"{self.url}/user/{user}/{path.lstrip('/')}",
                                     headers={"Authorization": f"token {token}"}, timeout=300,
                                     allow_redirects=False, **kw)

    def token_for(self, user: str, note: str, expires_in: int = 3600) -> str:
        """A new API token of ``user``'s, kept in ``tokens``."""
        r = self.api("POST", f"/users/{user}/tokens", json={"note": note, "expires_in": expires_in})
        assert r.status_code == 201, r.text
        self.tokens[user] = r.json()["token"]
        return self.tokens[user]

    def start(self, timeout: float = 120) -> float:
        """Start run.sh; seconds until the API answers through the proxy."""
        t = time.monotonic()
        with open(self.log, "a") as log:
            self.proc = subprocess.Popen(
                [str(self.run_sh)], stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
                env={**{k: v for k, v in os.environ.items() if k != "MPLBACKEND"},
                     "SFML_HUB_ADMIN_TOKEN": self.admin})
        deadline = t + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the hub exited:\n{self.log.read_text()[-3000:]}")
            try:
                if self.api("GET", "/").status_code == 200:
                    return time.monotonic() - t
            except self.requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"no hub after {timeout:g} s:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.1)

    def stop(self) -> int | None:
        """SIGTERM, as systemd stops it (its users' servers and the proxy go with it); killed
        after 90 s. The hub's exit code (None if it was not running)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        code, self.proc = self.proc.returncode, None
        return code

    def kill(self) -> None:
        """On the way out after a failure: end the hub's whole process group."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=30)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.proc = None
