"""A sandboxed IPython kernel for grading: bubblewrap, rlimits, an unprivileged uid.

nbgrader runs each notebook in a Jupyter kernel. Here that kernel is started through a
kernelspec whose argv is this module's launcher::

    python -P -m course.grading.sandbox --uid 61001 ... -- python -P -m course.grading.kernel -f {connection_file}

Both start with ``-P``: the kernel manager starts them in the student's autograded folder,
and without it Python would look for ``course`` (or anything else) there first: a
submitted ``course/grading/sandbox.py`` would run as the grader, outside the sandbox.

The launcher stays in between the kernel manager and the kernel and:

- runs the kernel under ``bwrap`` with new network, pid, ipc and uts namespaces: no
  network at all (the kernel talks to nbclient over unix sockets, jupyter_client's ``ipc``
  transport, in a runtime folder bound into the sandbox); a filesystem built from
  read-only binds of only the Python installation, the virtualenv and the ``course``
  package; a private ``/tmp``; and a fresh working folder holding copies of the
  assignment's released files (data, helpers) but never a notebook, nor any file the
  student added: a submitted ``course/`` or ``numpy.py`` would shadow what the tests
  import. The gradebook, ``solutions/``, other students' files and the instructor's
  home are not in it;
- sets rlimits (address space, CPU seconds, file size, open files, processes);
- when started as root, runs the kernel as an unprivileged uid (one per grading worker),
  so the process limit is enforced, and kills the sandbox when the resident memory of all
  that uid's processes passes the memory limit (a fork-and-allocate bomb stays bounded);
- with ``--unshare-pid`` every process the kernel starts lives in the sandbox's pid
  namespace and dies with it; ``--die-with-parent`` and a parent-death signal on the
  launcher make sure that holds even when the grader is killed;
- writes how the kernel ended (exit code or signal, and why) to a status file, so the
  grader can say "killed: CPU time limit" instead of "kernel died".
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import course

BWRAP = "bwrap"
WORKDIR = "/home/student/work"
STATUS_PREFIX = "sandbox-status-"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
PR_SET_PDEATHSIG = 1


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot be created on this machine; the message says why."""


@dataclass(frozen=True)
class Limits:
    """Per-notebook limits. Memory and file size in MiB, times in seconds."""

    memory_mb: int = 3072
    cpu_seconds: int = 900
    file_mb: int = 256
    processes: int = 96
    open_files: int = 1024
    wall_seconds: int = 900
    cell_seconds: int = 300


def _course_package_dir() -> Path:
    return Path(course.__file__).resolve().parent


def binds() -> list[str]:
    """bwrap arguments for the read-only part of the sandbox's filesystem."""
    args: list[str] = []
    for top in ("usr", "bin", "sbin", "lib", "lib64", "lib32"):
        p = Path("/") / top
        if p.is_symlink():
            args += ["--symlink", os.readlink(p), str(p)]
        elif p.is_dir():
            args += ["--ro-bind", str(p), str(p)]
    for f in ("/etc/ld.so.cache", "/etc/localtime", "/etc/alternatives", "/etc/fonts",
              "/etc/ssl/certs", "/etc/mime.types"):
        if os.path.exists(f):
            args += ["--ro-bind", f, f]
    seen: set[str] = set()
    for p in (sys.base_prefix, sys.prefix, str(_course_package_dir())):
        real = os.path.realpath(p)
        for path in sorted({p, real}):
            if path in seen or path.startswith("/usr/"):
                continue
            seen.add(path)
            # bwrap makes missing parent folders 0700: make them traversable first
            for parent in reversed(Path(path).parents):
                if str(parent) not in ("/", "/tmp") and str(parent) not in seen:
                    seen.add(str(parent))
                    args += ["--perms", "0755", "--dir", str(parent)]
            args += ["--ro-bind", real, path]
    return args


MPL_DIR = "/tmp/.matplotlib"


def build_font_cache(folder: Path) -> Path:
    """Build matplotlib's font list into ``folder``, once per grading run.

    Inside the sandbox ``/tmp`` starts empty, so every kernel would scan the system's fonts
    again (about half a second of CPU per submission). The launcher binds this prebuilt
    list, read-only, where the kernel's matplotlib looks for it. It is built with an empty
    home, as the sandbox has, so it names no font the sandbox cannot see."""
    folder.mkdir(parents=True, exist_ok=True)
    home = folder / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MPL", "XDG_"))}
    env.update(HOME=str(home), MPLCONFIGDIR=str(folder / "mpl"))
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env,
                   capture_output=True, timeout=300, check=False)
    shutil.rmtree(home, ignore_errors=True)
    return folder / "mpl"


def bwrap_command(kernel_argv: list[str], *, runtime_dir: str, workdir: str,
                  uid: int | None, font_cache: str | None = None) -> list[str]:
    """The full bwrap command line that runs ``kernel_argv`` in the sandbox."""
    bindir = str(Path(sys.executable).parent)
    env = {
        "HOME": "/tmp", "PATH": f"{bindir}:/usr/bin:/bin", "LANG": "C.UTF-8",
        "MPLCONFIGDIR": MPL_DIR, "IPYTHONDIR": "/tmp/.ipython",
        "JUPYTER_RUNTIME_DIR": runtime_dir, "NBGRADER_EXECUTION": "autograde",
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    cmd = [BWRAP, "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
           "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--clearenv",
           "--hostname", "sandbox"]
    for k, v in env.items():
        cmd += ["--setenv", k, v]
    # the private /tmp first: a course or virtualenv that lives under /tmp is bound on top
    cmd += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp"]
    cmd += binds()
    fonts = sorted(Path(font_cache).glob("fontlist-*.json")) if font_cache else []
    if fonts:
        cmd += ["--perms", "1777", "--dir", MPL_DIR]
        for f in fonts:
            cmd += ["--ro-bind", str(f), f"{MPL_DIR}/{f.name}"]
    for parent in reversed(Path(runtime_dir).parents):
        if str(parent) not in ("/", "/tmp"):
            cmd += ["--perms", "0755", "--dir", str(parent)]
    cmd += ["--bind", runtime_dir, runtime_dir,
            "--perms", "0755", "--dir", "/home", "--perms", "0755", "--dir", "/home/student",
            "--bind", workdir, WORKDIR, "--chdir", WORKDIR]
    if uid is not None:
        # bwrap runs as root (privileged mode, no user namespace); inside, setpriv drops
        # to the worker's uid so that RLIMIT_NPROC applies (root is exempt from it).
        cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--",
                "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--"]
    else:
        cmd += ["--unshare-user", "--"]
    return cmd + kernel_argv


def kernelspec(folder: Path, *, uid: int | None, limits: Limits, runtime: str,
               name: str = "safety-sandbox", font_cache: str | None = None,
               release: str | None = None) -> Path:
    """Write a kernelspec ``folder/kernels/<name>`` that starts the sandboxed kernel.
    ``release`` is the module's source folder: the files of it (notebooks aside) are the
    only ones the kernel's working folder gets; without it, the folder starts empty."""
    spec = folder / "kernels" / name
    spec.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-P", "-m", "course.grading.sandbox",
            "--limits", json.dumps(asdict(limits)), "--runtime", str(runtime)]
    if uid is not None:
        argv += ["--uid", str(uid)]
    if font_cache:
        argv += ["--font-cache", str(font_cache)]
    if release:
        argv += ["--release", str(release)]
    argv += ["--", sys.executable, "-P", "-m", "course.grading.kernel", "-f",
             "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({
        "argv": argv, "display_name": "Python 3 (grading sandbox)", "language": "python",
        "interrupt_mode": "message", "metadata": {"debugger": False}}, indent=1))
    return spec


def check_available() -> None:
    """Raise :class:`SandboxUnavailable` with the reason if the sandbox cannot start."""
    if not sys.platform.startswith("linux"):
        raise SandboxUnavailable(f"the grading sandbox needs Linux (this is {sys.platform})")
    if shutil.which(BWRAP) is None:
        raise SandboxUnavailable("bubblewrap is not installed (Debian/Ubuntu: "
                                 "apt-get install bubblewrap; Fedora: dnf install bubblewrap)")
    import tempfile

    with tempfile.TemporaryDirectory(prefix="safety-sbx-probe-") as tmp:
        os.chmod(tmp, 0o777)
        uid = 65534 if IS_ROOT else None
        cmd = bwrap_command([sys.executable, "-c", "import course, numpy; print('ok')"],
                            runtime_dir=tmp, workdir=tmp, uid=uid)
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SandboxUnavailable(f"bubblewrap could not start: {exc}") from None
        if proc.returncode != 0 or "ok" not in proc.stdout:
            err = (proc.stderr.strip().splitlines() or ["no message"])[-1]
            raise SandboxUnavailable(
                f"bubblewrap could not start a sandbox here ({err}); unprivileged user "
                "namespaces may be disabled (sysctl kernel.unprivileged_userns_clone=1) "
                "or a container may forbid them")


# ---- the launcher ------------------------------------------------------------------

def _uid_pids(uid: int) -> list[int]:
    pids = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def _stat(pid: str) -> list[str]:
    """Fields of /proc/<pid>/stat after the command name: state, ppid, ..."""
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().rsplit(")", 1)[1].split()


def _ns_pids(ns: str) -> list[int]:
    """Live processes in the pid namespace ``ns`` (a /proc/<pid>/ns/pid link target).

    Zombies are left out: they are already dead, and one whose parent is the host's init
    can wait a while to be reaped."""
    pids = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if (os.readlink(f"/proc/{entry.name}/ns/pid") == ns
                        and _stat(entry.name)[0] != "Z"):
                    pids.append(int(entry.name))
            except (OSError, IndexError):
                pass
    return pids


def _sandbox_ns(bwrap_pid: int) -> str | None:
    """The pid namespace of bwrap's sandboxed child, once it exists."""
    try:
        mine = os.readlink(f"/proc/{bwrap_pid}/ns/pid")
    except OSError:
        return None
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            if int(_stat(entry.name)[1]) == bwrap_pid:
                ns = os.readlink(f"/proc/{entry.name}/ns/pid")
                if ns != mine:
                    return ns
        except (OSError, ValueError, IndexError):
            pass
    return None


def _kill_pids(pids: list[int]) -> int:
    n = 0
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
            n += 1
        except OSError:
            pass
    return n


def _rss_mb(pids: list[int]) -> float:
    """Memory of these processes in MiB: the sum of their proportional set sizes (shared
    pages, such as a forked child's copy-on-write memory, counted once in all)."""
    total_kb = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total_kb += int(line.split()[1])
                        break
        except (OSError, IndexError, ValueError):
            pass
    return total_kb / 1024


def _kill_uid(uid: int) -> int:
    """SIGKILL every process of ``uid``, repeatedly until none is left; how many were."""
    killed = 0
    for _ in range(50):
        pids = _uid_pids(uid)
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except OSError:
                pass
        time.sleep(0.05)
    return killed


def _set_limits(limits: Limits):
    def apply():
        mib = 2**20
        for res, value in ((resource.RLIMIT_AS, limits.memory_mb * mib),
                           (resource.RLIMIT_CPU, limits.cpu_seconds),
                           (resource.RLIMIT_FSIZE, limits.file_mb * mib),
                           (resource.RLIMIT_NPROC, limits.processes),
                           (resource.RLIMIT_NOFILE, limits.open_files),
                           (resource.RLIMIT_CORE, 0)):
            resource.setrlimit(res, (value, value))
    return apply


def released_files(release: Path) -> list[Path]:
    """The module's files as nbgrader copies them over a submission: every file of its
    source folder but notebooks, checkpoints and compiled Python; paths relative to it."""
    skip = {".ipynb_checkpoints", "__pycache__"}
    return sorted(path.relative_to(release) for path in release.rglob("*")
                  if path.is_file() and not path.is_symlink()
                  and path.suffix not in (".ipynb", ".pyc")
                  and not skip & set(path.relative_to(release).parts))


def _prepare_workdir(source: Path, dest: Path, release: Path | None) -> None:
    """Fill the kernel's working folder with the module's released files, taken from the
    autograded folder ``source`` (nbgrader has put the instructor's copies there, or kept
    the student's where the instructor allowed it). Files the student added are left out."""
    dest.mkdir(parents=True, exist_ok=True)
    inside = source.resolve()
    for rel in released_files(release) if release else []:
        path = source / rel
        if not path.is_file() or inside not in path.resolve().parents:
            path = release / rel  # missing, or a link out of the folder: the original
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest / rel)


def _ended(proc: subprocess.Popen, pidfd: int | None, timeout: float) -> bool:
    """Whether ``proc`` ends within ``timeout`` seconds. With a pidfd this returns the moment
    it ends; ``Popen.wait`` alone would look every 0.05 s, time the worker spends waiting."""
    if pidfd is not None:
        select.select([pidfd], [], [], timeout)
        timeout = 0
    try:
        proc.wait(timeout=timeout)
        return True
    except subprocess.TimeoutExpired:
        return False


def _describe(rc: int, limits: Limits, killed_for: str) -> str:
    if killed_for:
        return killed_for
    if rc < 0 or rc > 128:
        sig = -rc if rc < 0 else rc - 128
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        why = {"SIGXCPU": f"the CPU time limit ({limits.cpu_seconds} s)",
               "SIGKILL": "SIGKILL", "SIGSEGV": "a segmentation fault",
               "SIGXFSZ": f"the file size limit ({limits.file_mb} MiB)"}.get(name, name)
        return f"the kernel was killed by {why}"
    return f"the kernel exited with code {rc} (exit(), quit(), os._exit or a crash)"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    split = argv.index("--")
    p = argparse.ArgumentParser(prog="course.grading.sandbox")
    p.add_argument("--limits", default="{}")
    p.add_argument("--uid", type=int)
    p.add_argument("--runtime", required=True,
                   help="the job's private folder for the connection file and sockets")
    p.add_argument("--font-cache", help="a folder with matplotlib's prebuilt font list")
    p.add_argument("--release", help="the module's source folder: the files the kernel gets")
    args = p.parse_args(argv[:split])
    kernel = argv[split + 1:]
    limits = Limits(**json.loads(args.limits))
    # die with the kernel manager, whatever kills it
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    conn = Path(kernel[kernel.index("-f") + 1]).resolve()
    runtime = Path(args.runtime).resolve()
    if conn.parent != runtime or runtime in (Path("/"), Path("/tmp"), Path.home()):
        # never bind (or chown) a shared folder into the sandbox
        sys.stderr.write(f"sandbox: connection file {conn} is not in {runtime}; refusing\n")
        return 2
    work = runtime / f"work-{os.getpid()}"
    _prepare_workdir(Path.cwd(), work, Path(args.release) if args.release else None)
    uid = args.uid if IS_ROOT else None
    if uid is not None:
        for path in (runtime, conn, work, *work.rglob("*")):
            os.chown(path, uid, uid, follow_symlinks=False)
    cmd = bwrap_command(kernel, runtime_dir=str(runtime), workdir=str(work), uid=uid,
                        font_cache=args.font_cache)
    proc = subprocess.Popen(cmd, preexec_fn=_set_limits(limits), stdin=subprocess.DEVNULL)

    def forward(signum, _frame):
        try:
            proc.send_signal(signum)
        except OSError:
            pass
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, forward)

    killed_for = ""
    started = time.monotonic()
    ns = None
    used = 0.0
    try:
        pidfd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):  # before Linux 5.3
        pidfd = None
    while True:
        # each look scans /proc, so look often only when memory use nears the limit; the
        # wait still returns as soon as the kernel exits (the worker is waiting for that)
        if _ended(proc, pidfd, 0.1 if used > limits.memory_mb / 2 else 0.4):
            break
        ns = ns or _sandbox_ns(proc.pid)
        if ns is None:
            continue
        used = _rss_mb(_ns_pids(ns))
        if used > limits.memory_mb:
            killed_for = (f"the sandbox used {used:.0f} MiB, over the memory limit "
                          f"({limits.memory_mb} MiB)")
            _kill_pids(_ns_pids(ns))
        if time.monotonic() - started > limits.wall_seconds + 30:
            killed_for = f"the kernel ran past the wall-clock limit ({limits.wall_seconds} s)"
            proc.kill()
            _kill_pids(_ns_pids(ns))
    rc = proc.returncode
    if pidfd is not None:
        os.close(pidfd)
    # the pid namespace dies with its first process; count (and kill) any survivor
    for _ in range(30):  # the namespace's init may still be on its way out
        if not ns or not _ns_pids(ns):
            break
        time.sleep(0.1)
    left = _kill_pids(_ns_pids(ns)) if ns else 0
    status = {"returncode": rc, "reason": _describe(rc, limits, killed_for),
              "killed_for": killed_for, "leftover_processes": left,
              "seconds": round(time.monotonic() - started, 1)}
    (runtime / f"{STATUS_PREFIX}{os.getpid()}.json").write_text(json.dumps(status))
    shutil.rmtree(work, ignore_errors=True)
    return 0 if rc == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
