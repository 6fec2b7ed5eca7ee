"""Grading throughput: ``safety-course grade`` against plain sequential ``nbgrader autograde``.

Builds a synthetic cohort of N submissions of a module (full, blank, partial and
syntax-error notebooks in turn), then grades the same cohort twice in two fresh course
directories:

1. plain nbgrader: ``nbgrader autograde <module>`` once, for every student, sequentially,
   unsandboxed, no feedback (the baseline an instructor has today);
2. ``safety-course grade --jobs J``: sandboxed kernels, integrity guards, feedback, the
   status table and a gradebook backup.

and reports submissions per minute, wall time, CPU seconds per submission twice (the whole
machine's busy time, which counts anything else running: run it on an idle machine; and the
command's own, the CPU time of its whole process tree counted by a cgroup, which stays
close on a busy machine; root only), the peak memory of each run (the peak
resident set of the whole process tree, sampled every 0.2 s), the share of the machine's
CPU time a hypervisor took during each run (above a few percent, expect the ratio to move
by as much between runs), and the ratio. Usage::

    .venv/bin/python benchmarks/grading.py [-n 100] [--jobs 2] [--rounds 2] [--module m00-orientation]

With ``--rounds 2`` each is graded twice, in the order plain, ours, ours, plain, and the
ratio is taken over the total times: on a virtual machine whose speed drifts by 10% or
more over a quarter of an hour, that cancels most of the drift.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from course.grading import cohort, release  # noqa: E402
from course.grading.coursedir import CourseDir, make_course_dir  # noqa: E402


def _tree_rss_mb(root_pid: int) -> float:
    """Resident memory of a process and all its descendants, in MiB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            pid, ppid = int(entry.name), int(fields[1])
            children.setdefault(ppid, []).append(pid)
            rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            pass
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack += children.get(pid, [])
    return total / 2**20


def _cpu_seconds() -> tuple[float, float]:
    """(busy, stolen): CPU seconds this machine has spent busy (all cores, all processes)
    since boot, and seconds a hypervisor took from its virtual CPUs (time neither run got;
    a large figure means the timings are noisy). Sandboxed kernels are reaped outside the
    command's process tree, so their CPU time is counted here rather than with
    getrusage; run on an otherwise idle machine."""
    with open("/proc/stat") as fh:
        user, nice, system, _idle, _iowait, irq, softirq, steal = (
            int(v) for v in fh.readline().split()[1:9])
    hz = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / hz, steal / hz


class CpuGroup:
    """A cgroup that counts the CPU time of one command's whole process tree, orphans
    included (a sandboxed kernel that outlives its parent is not in ``RUSAGE_CHILDREN``).

    Needs root and a cpuacct (cgroup v1) or cgroup v2 hierarchy; ``seconds()`` is None
    otherwise."""

    def __init__(self) -> None:
        self.path, self.v2 = None, False
        for base, v2 in ((Path("/sys/fs/cgroup/cpuacct"), False), (Path("/sys/fs/cgroup"), True)):
            probe = base / ("cpu.stat" if v2 else "cpuacct.usage")
            if probe.exists() and os.access(base, os.W_OK):
                self.path, self.v2 = base / f"safety-bench-{os.getpid()}-{time.monotonic_ns()}", v2
                self.path.mkdir()
                break

    def join(self) -> None:
        """Move the calling process in (as a ``preexec_fn``: before the command runs)."""
        if self.path is not None:
            (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def seconds(self) -> float | None:
        if self.path is None:
            return None
        if self.v2:
            stat = dict(line.split() for line in (self.path / "cpu.stat").read_text().splitlines())
            return int(stat["usage_usec"]) / 1e6
        return int((self.path / "cpuacct.usage").read_text()) / 1e9

    def close(self) -> None:
        if self.path is None:
            return
        for pid in (self.path / "cgroup.procs").read_text().split():
            try:
                os.kill(int(pid), 9)   # leftovers of the command; the benchmark is done with it
            except ProcessLookupError:
                pass
        for _ in range(50):
            try:
                self.path.rmdir()
                return
            except OSError:
                time.sleep(0.1)


def measure(cmd: list[str], cwd: Path) -> tuple[float, float, int, float, float, float]:
    """(seconds, peak MiB of the process tree, return code, busy CPU seconds, stolen CPU
    seconds, the command's own CPU seconds or None) of a command."""
    env = {**os.environ}
    env.pop("MPLBACKEND", None)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    busy, stolen = _cpu_seconds()
    group = CpuGroup()
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, preexec_fn=group.join)
    peak = 0.0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_mb(proc.pid))
            time.sleep(0.2)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    rc = proc.wait()
    done.set()
    t.join()
    busy_end, stolen_end = _cpu_seconds()
    elapsed, own = time.monotonic() - start, group.seconds()
    group.close()
    return elapsed, peak, rc, busy_end - busy, stolen_end - stolen, own


def build(root: Path, source: CourseDir, module: str, n: int) -> CourseDir:
    course = make_course_dir(root, source, [module])
    release.write(course, [module])
    kinds = cohort.submission_kinds(course, module)
    order = ["full", "blank", "partial", "syntax-error"]
    for i in range(n):
        cohort.write_submission(course, f"s{i:03d}-{order[i % 4]}", module,
                                course.notebooks(module)[0], kinds[order[i % 4]])
    return course


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-n", type=int, default=100, help="submissions (default 100)")
    p.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    p.add_argument("--module", default="m00-orientation")
    p.add_argument("--rounds", type=int, default=1,
                   help="grade the cohort this many times each, alternating which goes first")
    args = p.parse_args()
    source = CourseDir(REPO)
    bindir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="safety-bench-") as tmp:
        plain = build(Path(tmp) / "plain", source, args.module, args.n)
        ours = build(Path(tmp) / "ours", source, args.module, args.n)
        # plain nbgrader needs the assignment in its gradebook first (not timed)
        subprocess.run([str(bindir / "nbgrader"), "generate_assignment", args.module,
                        "--force", f"--CourseDirectory.release_directory={tmp}/rel"],
                       cwd=plain.root, capture_output=True, check=True,
                       env={**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}"})
        print(f"{args.n} submissions of {args.module}, {args.jobs} jobs, "
              f"{os.cpu_count()} CPUs, {args.rounds} round(s)\n")
        from nbgrader.api import Gradebook

        def run_plain():
            t, m, rc, cpu, stolen, own = measure(
                [str(bindir / "nbgrader"), "autograde", args.module, "--force"], plain.root)
            with Gradebook(plain.db_url) as gb:
                n = sum(1 for s in gb.find_assignment(args.module).submissions
                        if s.score is not None)
            return "plain nbgrader autograde (sequential)", t, m, n, rc, cpu, stolen, own

        def run_ours():
            t, m, rc, cpu, stolen, own = measure(
                [str(bindir / "safety-course"), "-q", "--course", str(ours.root), "grade",
                 "--module", args.module, "--jobs", str(args.jobs)], ours.root)
            summary = (ours.root / "grading-summary.csv").read_text().splitlines()[1:]
            n = sum(1 for ln in summary if ",graded," in ln)
            return f"safety-course grade --jobs {args.jobs}", t, m, n, rc, cpu, stolen, own

        print(f"{'run':42} {'seconds':>8} {'subs/min':>9} {'CPU s/sub':>10} {'own s/sub':>10} "
              f"{'peak MiB':>9} {'graded':>7} {'stolen %':>9}", flush=True)
        totals = {"plain": 0.0, "ours": 0.0}
        own_totals = {"plain": 0.0, "ours": 0.0}
        for r in range(args.rounds):
            # rounds alternate the order (plain first, then ours first, ...), so a machine
            # that speeds up or slows down during the benchmark favours neither
            order = [("plain", run_plain), ("ours", run_ours)]
            for key, run in order if r % 2 == 0 else order[::-1]:
                name, t, m, n, rc, cpu, stolen, own = run()
                totals[key] += t
                own_totals[key] += own or 0.0
                own_cell = "n/a" if own is None else f"{own / args.n:.2f}"
                print(f"{name:42} {t:8.1f} {args.n / t * 60:9.1f} {cpu / args.n:10.2f} "
                      f"{own_cell:>10} {m:9.0f} {n:7d} {100 * stolen / (t * os.cpu_count()):9.1f}"
                      + ("" if rc == 0 else f"  (exit {rc})"), flush=True)
        print(f"\nthroughput ratio (safety-course / plain): "
              f"{totals['plain'] / totals['ours']:.2f}x"
              + (f" (total time over {args.rounds} rounds)" if args.rounds > 1 else ""))
        if own_totals["plain"]:
            print(f"own CPU per submission (safety-course / plain): "
                  f"{own_totals['ours'] / own_totals['plain']:.2f}x")
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
