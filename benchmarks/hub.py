"""The one-machine hub under load: start time, concurrent spawns, memory per student server.

Runs as root on the hub that ``deploy/jupyterhub/setup.sh`` builds, the way tests/hub does:
setup.sh into a temporary folder with temporary users (``hubbench-instructor``,
``hubbench-grader``, ``hubbench-s01`` ... one student per server of the largest N; the
virtualenvs and the proxy cached in /opt/safety-first-ml-hub), the hub on 127.0.0.1 with an
admin service token. It measures:

1. hub start: ``run.sh`` launched to ``/hub/api`` answering through the proxy, on a fresh
   database and again on a restart;
2. for each N (default 5, 10, 20): N servers started at once through the REST API; the time
   until all are ready and the slowest single spawn (its POST to ready); the CPU seconds
   each server took to start and the hub's (with the proxy) per spawn; the memory of each
   idle server's process tree (RSS and PSS: PSS splits the pages the servers share, so the
   PSS of all servers adds up to what they use together) and of the hub and its proxy; then
   all N stopped at once;
3. one student's server running, in a kernel, each module's student notebook with every
   answer filled in from the solution (a student's full "Run All"): the kernel's CPU
   seconds, the wall time, the server tree's peak RSS while it ran and its RSS and PSS after
   (kernel still open, as a student leaves it);
4. from these, a memory guarantee and limit per student pod and students per node of
   ``--node-cores`` / ``--node-gib`` (default 8 / 32), then nodes for ``--cohort`` (300),
   with every assumption printed (deploy/kubernetes/README.md uses this arithmetic).

Every user, server, process and folder it made is removed at the end, also on failure or
Ctrl-C (``--keep`` keeps the folder and users for a look). Apart from those temporary
users, it writes nothing outside /tmp.
It competes for the CPU with anything else on the machine: the load average is printed beside
each timing. Usage::

    sudo .venv/bin/python benchmarks/hub.py                          # N = 5 10 20, every module
    sudo .venv/bin/python benchmarks/hub.py --sizes 5 10 --modules m00-orientation
    sudo .venv/bin/python benchmarks/hub.py --node-cores 4 --node-gib 16 --runs-per-hour 12
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "hub"))   # localhub, shared with the end-to-end test

from localhub import (SOFTWARE, Hub, free_ports, ours, remove_users,  # noqa: E402
                      setup_command, uid_of)

PREFIX = "hubbench-"
STAFF_GROUP = f"{PREFIX}staff"
MIB = 2**20


def pair(a: float, b: float, digits: int = 0) -> str:
    return f"{f'{a:.{digits}f}/{b:.{digits}f}':>9}"


def load() -> str:
    return "%.2f" % os.getloadavg()[0]


# ------------------------------------------------------------------ processes and memory

def _procs() -> dict[int, dict]:
    """pid -> {ppid, uid} for every process."""
    out = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            out[int(entry.name)] = {"ppid": int(fields[1]), "uid": entry.stat().st_uid,
                                    "cpu": sum(int(v) for v in fields[11:15])}
        except (OSError, ValueError, IndexError):
            pass
    return out


def _mem(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in bytes, from smaps_rollup."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return rss, pss


def _owned(name: str, procs: dict[int, dict]) -> list[int]:
    """The pids of ``procs`` (from _procs) that run as ``name``."""
    uid = uid_of(name)
    return [p for p, v in procs.items() if uid is not None and v["uid"] == uid]


def user_mem(name: str, procs=None) -> tuple[float, float]:
    """(RSS, PSS) in MiB of everything running as ``name`` (their server and kernels)."""
    rss = pss = 0
    for pid in _owned(name, procs if procs is not None else _procs()):
        r, p = _mem(pid)
        rss, pss = rss + r, pss + p
    return rss / MIB, pss / MIB


def user_cpu(name: str) -> float:
    """CPU seconds of the user's live processes, with their reaped children."""
    hz = os.sysconf("SC_CLK_TCK")
    procs = _procs()
    return sum(procs[p]["cpu"] for p in _owned(name, procs)) / hz


def _root_tree(root_pid: int, procs: dict[int, dict]) -> list[int]:
    """A process and its descendants that run as root (the hub and the proxy; the users'
    servers are its children too, but run as the users)."""
    kids: dict[int, list[int]] = {}
    for p, v in procs.items():
        kids.setdefault(v["ppid"], []).append(p)
    out, stack = [], [root_pid]
    while stack:
        pid = stack.pop()
        if pid in procs and procs[pid]["uid"] == 0:
            out.append(pid)
        stack += kids.get(pid, [])
    return out


def root_tree_cpu(root_pid: int) -> float:
    """CPU seconds of the hub and the proxy (see _root_tree)."""
    procs = _procs()
    return sum(procs[p]["cpu"] for p in _root_tree(root_pid, procs)) / os.sysconf("SC_CLK_TCK")


def root_tree_mem(root_pid: int) -> tuple[float, float]:
    """(RSS, PSS) in MiB of the hub and the proxy (see _root_tree)."""
    rss = pss = 0
    for pid in _root_tree(root_pid, _procs()):
        r, p = _mem(pid)
        rss, pss = rss + r, pss + p
    return rss / MIB, pss / MIB


# ------------------------------------------------------------------ the hub

class LoadHub(Hub):
    """localhub's Hub, with many servers started and stopped at once."""

    def servers(self) -> dict[str, dict]:
        """user -> their default server's model (only users that have one)."""
        out = {}
        for u in self.api("GET", "/users", params={"limit": 1000}).json():
            s = u.get("servers", {}).get("")
            if s:
                out[u["name"]] = s
        return out

    def spawn_all(self, users: list[str], timeout: float = 600) -> dict[str, float]:
        """Start every user's server at once; seconds from each one's POST to ready."""
        sent: dict[str, float] = {}
        ready: dict[str, float] = {}
        errors: list[str] = []

        def post(u):
            sent[u] = time.monotonic()
            r = self.api("POST", f"/users/{u}/server")
            if r.status_code == 201:
                ready.setdefault(u, time.monotonic())
            elif r.status_code != 202:
                errors.append(f"{u}: {r.status_code} {r.text[:200]}")

        with ThreadPoolExecutor(len(users)) as pool:
            futures = [pool.submit(post, u) for u in users]
            deadline = time.monotonic() + timeout
            while len(ready) < len(users) and not errors:
                for name, s in self.servers().items():
                    if name in sent and s.get("ready"):
                        ready.setdefault(name, time.monotonic())
                if time.monotonic() > deadline:
                    errors.append(f"not ready after {timeout} s: "
                                  f"{sorted(set(users) - set(ready))}")
                time.sleep(0.2)
            for f in futures:
                f.result()
        if errors:
            raise RuntimeError("; ".join(errors))
        return {u: ready[u] - sent[u] for u in users} | {
            "_all": max(ready.values()) - min(sent.values())}

    def stop_all(self, users: list[str], timeout: float = 300) -> float:
        t = time.monotonic()
        with ThreadPoolExecutor(len(users)) as pool:
            list(pool.map(lambda u: self.api("DELETE", f"/users/{u}/server"), users))
        while set(users) & set(self.servers()):
            if time.monotonic() - t > timeout:
                raise RuntimeError("servers did not stop")
            time.sleep(0.2)
        return time.monotonic() - t


# ------------------------------------------------------------------ a notebook in a kernel

def run_notebook_in_server(hub: LoadHub, user: str, module: str) -> dict:
    """Write the module's student notebook, every answer filled in, to the user's server and
    run its code cells one by one in a kernel of that server; leaves the kernel open."""
    import nbformat
    import websocket

    from course.grading import cohort

    source = nbformat.read(REPO / "solutions" / module / f"{module}.ipynb", as_version=4)
    student = nbformat.read(REPO / "assignments" / module / f"{module}.ipynb", as_version=4)
    nb = cohort.fill(student, cohort.answers(source))
    hub.server("PUT", user, "api/contents/bench", json={"type": "directory"})
    path = f"bench/{module}.ipynb"
    r = hub.server("PUT", user, f"api/contents/{path}",
                   json={"type": "notebook", "format": "json", "content": nb})
    assert r.status_code in (200, 201), r.text
    cpu0 = user_cpu(user)
    t0 = time.monotonic()
    r = hub.server("POST", user, "api/sessions", json={
        "path": path, "type": "notebook", "name": f"{module}.ipynb",
        "kernel": {"name": "python3"}})
    assert r.status_code == 201, r.text
    session = r.json()
    kid = session["kernel"]["id"]
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{hub.url.rsplit(':', 1)[1]}/user/{user}/api/kernels/{kid}/channels",
        header=[f"Authorization: token {hub.tokens[user]}"], timeout=600)
    peak = [0.0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], user_mem(user)[0])
            done.wait(0.3)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    sid, errors = uuid.uuid4().hex, 0
    try:
        for cell in nb.cells:
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            msg_id = uuid.uuid4().hex
            ws.send(json.dumps({
                "header": {"msg_id": msg_id, "username": user, "session": sid,
                           "msg_type": "execute_request", "version": "5.3",
                           "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
                "parent_header": {}, "metadata": {}, "buffers": [], "channel": "shell",
                "content": {"code": cell.source, "silent": False, "store_history": True,
                            "user_expressions": {}, "allow_stdin": False,
                            "stop_on_error": False}}))
            while True:
                msg = json.loads(ws.recv())
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "execute_reply":
                    errors += msg["content"].get("status") != "ok"
                    break
    finally:
        ws.close()
        done.set()
        sampler.join()
    wall = time.monotonic() - t0
    cpu = user_cpu(user) - cpu0
    time.sleep(1.0)
    rss, pss = user_mem(user)
    return {"module": module, "wall": wall, "cpu": cpu, "peak_rss": max(peak[0], rss),
            "rss": rss, "pss": pss, "errors": errors, "session": session["id"]}


# ------------------------------------------------------------------ the report

def reserved_gib(node_gib: float) -> float:
    """Memory a managed Kubernetes node keeps from pods: GKE's published kube-reserved
    formula (25% of the first 4 GiB, 20% of the next 4, 10% of the next 8, 6% of the next
    112, 2% above), its 100 MiB eviction threshold, and 0.4 GiB for daemon pods (network,
    logging, the image puller). Other clouds reserve about as much."""
    tiers = [(4, 0.25), (4, 0.20), (8, 0.10), (112, 0.06), (float("inf"), 0.02)]
    left, kept = node_gib, 0.0
    for size, share in tiers:
        kept += min(left, size) * share
        left -= min(left, size)
        if left <= 0:
            break
    return kept + 0.1 + 0.4


def round_up(mib: float, step: int = 50) -> int:
    return int(math.ceil(mib / step) * step)


def sizing(args, idle_rss: float, idle_pss: float, active_rss: float, peak_rss: float,
           cpu_run: float) -> list[str]:
    """Students per node, with every assumption on the page."""
    reserve = args.reserve_gib if args.reserve_gib is not None else reserved_gib(args.node_gib)
    alloc_mib = (args.node_gib - reserve) * 1024
    # Memory: a pod is charged its own RSS plus the page cache it touches (its cgroup; no
    # sharing with other pods counted): the guarantee is the footprint of a server with
    # one module's kernel after a Run All, times a margin; the limit leaves room for three
    # modules' kernels open at once.
    kernel = max(active_rss - idle_rss, 0.0)
    guarantee = round_up(max(active_rss, idle_rss) * args.memory_margin)
    limit = round_up(idle_rss + 3 * kernel)
    by_mem = int(alloc_mib // guarantee)
    # CPU: mean demand of an active student = one Run All (cpu_run s) every
    # 60/runs_per_hour minutes; keep the node at most cpu_target busy on average.
    mean_cores = cpu_run * args.runs_per_hour / 3600
    by_cpu = int(args.node_cores * args.cpu_target / (args.active_share * mean_cores))
    n = min(by_mem, by_cpu)
    burst = n * args.active_share * cpu_run / args.node_cores
    nodes = math.ceil(args.cohort / n)
    return [
        f"Node {args.node_cores:g} cores / {args.node_gib:g} GiB; {reserve:.1f} GiB kept by "
        f"Kubernetes and the system: {alloc_mib:.0f} MiB for students.",
        f"Memory per student, measured: idle server {idle_rss:.0f} MiB RSS ({idle_pss:.0f} PSS); "
        f"with one module's kernel after its Run All up to {active_rss:.0f} MiB (peak "
        f"{peak_rss:.0f}).",
        f"  guarantee {guarantee} MiB (x{args.memory_margin:g}), limit {limit} MiB (three "
        f"kernels open) -> {by_mem} students by memory ({alloc_mib:.0f} / {guarantee}).",
        f"CPU per active student: one Run All of {cpu_run:.1f} CPU s every "
        f"{60 / args.runs_per_hour:.0f} min = {mean_cores:.3f} cores on average; "
        f"{args.active_share:.0%} of students active; node kept <= {args.cpu_target:.0%} busy",
        f"  -> {by_cpu} students by CPU ({args.node_cores:g} x {args.cpu_target:g} / "
        f"({args.active_share:g} x {mean_cores:.3f})).",
        f"Students per node: {n} (the smaller); {args.cohort} students: {nodes} nodes "
        f"(ceil({args.cohort} / {n})), before headroom.",
        f"If all {int(n * args.active_share)} active students of a node press Run All "
        f"together, the last waits about {burst:.0f} s ({n} x {args.active_share:g} x "
        f"{cpu_run:.1f} CPU s / {args.node_cores:g} cores).",
    ]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", type=int, nargs="+", default=[5, 10, 20],
                   help="servers started at once, one round per size (default 5 10 20)")
    p.add_argument("--modules", nargs="*", default=None,
                   help="modules to run in one server's kernel (default: every module in "
                        "assignments/; none with --modules and no names)")
    p.add_argument("--settle", type=float, default=5.0,
                   help="seconds to wait after the last server is ready before measuring memory")
    p.add_argument("--node-cores", type=float, default=8,
                   help="cores of the node to size for (default 8)")
    p.add_argument("--node-gib", type=float, default=32,
                   help="memory of the node to size for, GiB (default 32)")
    p.add_argument("--reserve-gib", type=float, default=None,
                   help="node memory kept for the OS, kubelet and daemon pods (default: "
                        "GKE's formula + 0.5 GiB, see reserved_gib)")
    p.add_argument("--memory-margin", type=float, default=1.2,
                   help="memory guarantee = measured footprint x this (default 1.2)")
    p.add_argument("--cohort", type=int, default=300, help="students to size for (default 300)")
    p.add_argument("--active-share", type=float, default=1.0,
                   help="share of a node's students running code in the same hour (default 1: a live class)")
    p.add_argument("--runs-per-hour", type=float, default=6,
                   help="full Run Alls of a module per active student per hour (default 6)")
    p.add_argument("--cpu-per-run", type=float, default=None,
                   help="CPU s per Run All (default: the largest measured here, else 15)")
    p.add_argument("--cpu-target", type=float, default=0.7,
                   help="mean CPU use to plan a node for (default 0.7)")
    p.add_argument("--keep", action="store_true", help="keep the users and folder at the end")
    args = p.parse_args()

    if os.geteuid() != 0:
        print("benchmarks/hub.py: run as root (it creates unix users and runs the hub)",
              file=sys.stderr)
        return 2
    if not shutil.which("npm") and not (SOFTWARE / "node" / ".stamp").exists():
        print("benchmarks/hub.py: npm is missing (configurable-http-proxy comes from npm)",
              file=sys.stderr)
        return 2
    modules = (sorted(d.name for d in (REPO / "assignments").iterdir()
                      if (REPO / "solutions" / d.name).is_dir())
               if args.modules is None else args.modules)
    n_max = max(args.sizes)
    students = [f"{PREFIX}s{i:02d}" for i in range(1, n_max + 1)]
    users = [f"{PREFIX}instructor", f"{PREFIX}grader", *students]
    clash = [u for u in users if uid_of(u) is not None and not ours(u)]
    if clash:
        print(f"benchmarks/hub.py: users exist that setup.sh did not make: {clash}", file=sys.stderr)
        return 2
    remove_users(users, STAFF_GROUP)   # what a killed earlier run left

    tmp = Path(tempfile.mkdtemp(prefix="sfml-hubbench-"))
    tmp.chmod(0o755)
    prefix, homes = tmp / "srv", tmp / "home"
    port, hub_port, proxy_port = free_ports(3)
    hub = None
    rows: list[str] = []

    def say(line: str = "") -> None:
        rows.append(line)
        print(line, flush=True)

    # SIGTERM (a CI timeout, kill) cleans up like Ctrl-C does
    def on_term(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        t = time.monotonic()
        proc = subprocess.run(
            setup_command(prefix, homes, PREFIX, STAFF_GROUP, [port, hub_port, proxy_port],
                          students=[s[len(PREFIX):] for s in students]),
            capture_output=True, text=True, timeout=1800, stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            raise RuntimeError(f"setup.sh failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        print(f"setup.sh: {time.monotonic() - t:.1f} s ({len(users)} users) in {tmp}", flush=True)

        hub = LoadHub(prefix, port, tmp / "hub.log", api_timeout=120)
        say(f"{os.cpu_count()} CPUs, {os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2**30:.0f} GiB; "
            f"{len(students)} students, JupyterHub + configurable-http-proxy on 127.0.0.1")
        say()
        say("load: the 1-minute load average before -> after a timing (the benchmark's own "
            "starting servers count in 'after')")
        say(f"{'measure':58} {'value':>9}  load")
        ld0 = load()
        fresh = hub.start()
        say(f"{'hub start, fresh database (s)':58} {fresh:9.2f}  {ld0}->{load()}")
        hub.stop()
        ld0 = load()
        again = hub.start()
        say(f"{'hub start, again (s)':58} {again:9.2f}  {ld0}->{load()}")
        time.sleep(2)
        h_rss, h_pss = root_tree_mem(hub.proc.pid)
        say(f"{'hub + proxy, no servers: RSS / PSS (MiB)':58} {pair(h_rss, h_pss)}  {load()}")
        for u in students:
            hub.token_for(u, "benchmark", expires_in=7200)

        idle = {}
        for n in args.sizes:
            who = students[:n]
            ld0 = load()
            hub_cpu0 = root_tree_cpu(hub.proc.pid)
            times = hub.spawn_all(who)
            hub_cpu = root_tree_cpu(hub.proc.pid) - hub_cpu0
            ld = f"{ld0}->{load()}"
            time.sleep(args.settle)
            procs = _procs()
            mems = [user_mem(u, procs) for u in who]
            cpus = [user_cpu(u) for u in who]   # each server's CPU seconds since it started
            h_rss, h_pss = root_tree_mem(hub.proc.pid)
            rss = [m[0] for m in mems]
            pss = [m[1] for m in mems]
            idle[n] = (sum(rss) / n, sum(pss) / n, max(rss))
            slow = max(v for k, v in times.items() if k != "_all")
            fast = min(v for k, v in times.items() if k != "_all")
            say(f"{f'N={n}: all ready after (s)':58} {times['_all']:9.2f}  {ld}")
            say(f"{f'N={n}: fastest / slowest spawn (s)':58} {pair(fast, slow, 1)}  {ld}")
            say(f"{f'N={n}: CPU s per server to start, mean / max':58} "
                f"{pair(sum(cpus) / n, max(cpus), 1)}")
            say(f"{f'N={n}: idle server RSS mean / max (MiB)':58} {pair(idle[n][0], idle[n][2])}")
            say(f"{f'N={n}: idle server PSS mean / all {n} together (MiB)':58} "
                f"{pair(idle[n][1], sum(pss))}")
            say(f"{f'N={n}: hub + proxy RSS / PSS (MiB)':58} {pair(h_rss, h_pss)}")
            say(f"{f'N={n}: hub+proxy CPU s per spawn (incl. the polling)':58} "
                f"{hub_cpu / n:9.2f}")
            ld0 = load()
            stopped = hub.stop_all(who)
            say(f"{f'N={n}: all stopped after (s)':58} {stopped:9.2f}  {ld0}->{load()}")

        runs = []
        if modules:
            u = students[0]
            hub.spawn_all([u])
            time.sleep(args.settle)
            say()
            say("one student's server runs each module's notebook, answers filled in, in a new "
                "kernel (MiB: the server's tree; 'after': kernel still open, then closed):")
            say(f"{'module':30} {'wall s':>7} {'CPU s':>6} {'errors':>6} {'peak RSS':>9} "
                f"{'RSS after':>10} {'PSS after':>10}  load")
            for m in modules:
                ld0 = load()
                r = run_notebook_in_server(hub, u, m)
                runs.append(r)
                say(f"{m:30} {r['wall']:7.1f} {r['cpu']:6.1f} {r['errors']:6d} "
                    f"{r['peak_rss']:9.0f} {r['rss']:10.0f} {r['pss']:10.0f}  {ld0}->{load()}")
                # close this kernel before the next: one open notebook at a time
                hub.server("DELETE", u, f"api/sessions/{r['session']}")
                time.sleep(1)
            hub.stop_all([u])

        say()
        ld0 = load()
        t = time.monotonic()
        hub.stop()
        stop = time.monotonic() - t
        say(f"{'hub stop, SIGTERM (s)':58} {stop:9.2f}  {ld0}->{load()}")
        hub = None

        n_big = max(args.sizes)
        idle_rss, idle_pss, _ = idle[n_big]
        active_rss = max((r["rss"] for r in runs), default=idle_rss)
        peak_rss = max((r["peak_rss"] for r in runs), default=idle_rss)
        cpu_run = args.cpu_per_run or max((r["cpu"] for r in runs), default=15.0)
        say()
        for line in sizing(args, idle_rss, idle_pss, active_rss, peak_rss, cpu_run):
            say(line)
        if any(r["errors"] for r in runs):
            say("note: some cells raised errors (see 'errors'); those runs are shorter than a "
                "clean Run All")
    except KeyboardInterrupt:
        print("interrupted: cleaning up", file=sys.stderr)
        return 130
    finally:
        if hub is not None:
            hub.kill()
        if args.keep:
            print(f"kept {tmp} and the {PREFIX}* users", file=sys.stderr)
        else:
            remove_users(users, STAFF_GROUP)
            shutil.rmtree(tmp, ignore_errors=True)
            left = [u for u in users if uid_of(u) is not None]
            if left:
                print(f"benchmarks/hub.py: could not remove users {left}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
