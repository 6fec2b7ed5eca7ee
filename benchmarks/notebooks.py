"""Run each solution notebook top to bottom and report its time and peak memory.

    python benchmarks/notebooks.py                 # every module, a table
    python benchmarks/notebooks.py m00-orientation # some modules

Each notebook runs in a fresh process with its own kernel, as nbval and nbgrader run it.
Time is wall-clock from kernel start to the last cell; peak memory is the kernel's
maximum resident set size. The budget is 30 s per notebook on two cores.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUDGET_S = 30.0


def run_one(path: Path) -> dict:
    """Execute one notebook in this process's child kernel (called in a fresh process)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    errors = sum(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))
    # ru_maxrss of reaped children is in KiB on Linux: the kernel is the largest child.
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mib": peak_mib, "errors": errors}


def measure(path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    proc = subprocess.run([sys.executable, __file__, "--one", str(path)], capture_output=True,
                          text=True, env=env)
    if proc.returncode != 0:
        return {"seconds": float("nan"), "peak_mib": float("nan"), "errors": -1,
                "failure": proc.stderr.strip().splitlines()[-1:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="module folders (default: all)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(Path(args.one))))
        return 0

    modules = args.modules or sorted(p.name for p in (REPO / "solutions").iterdir() if p.is_dir())
    print(f"{'notebook':<48} {'seconds':>8} {'peak MiB':>9} {'errors':>7}  budget")
    over = 0
    for module in modules:
        for path in sorted((REPO / "solutions" / module).glob("*.ipynb")):
            r = measure(path)
            ok = r["seconds"] <= BUDGET_S and r["errors"] == 0
            over += not ok
            print(f"{module + '/' + path.name:<48} {r['seconds']:8.1f} {r['peak_mib']:9.0f} "
                  f"{r['errors']:7d}  {'ok' if ok else 'OVER' if r['errors'] == 0 else 'ERRORS'}",
                  flush=True)
    print(f"\n{os.cpu_count()} CPUs; budget {BUDGET_S:.0f} s per notebook.")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
