"""The ``safety-course`` command.

    safety-course release [--check] [--module M]   regenerate assignments/ from solutions/
    safety-course check [-q] NOTEBOOK               run your notebook, see each exercise
    safety-course grade [--module M] [--jobs N]     autograde submitted/ in a sandbox
    safety-course report [--module M]               cohort figure and CSVs in reports/
    safety-course demo                              grade a synthetic cohort in a temp dir
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _course(args):
    from .grading.coursedir import find_course_dir

    return find_course_dir(args.course)


def cmd_release(args) -> int:
    from .grading import release

    course = _course(args)
    modules = args.module or course.modules()
    if args.check:
        report = release.check(course, modules)
        bad = {m: p for m, p in report.items() if p}
        for module, problems in report.items():
            print(f"{module}: {'up to date' if not problems else 'OUT OF DATE'}")
            for p in problems:
                print(f"    {p}")
        if bad:
            print(f"\nassignments/ is not what generation produces for: {', '.join(bad)}.\n"
                  "Run `safety-course release` and commit the result.")
            return 1
        return 0
    for path in release.write(course, modules):
        print(f"wrote {path.relative_to(course.root)}")
    return 0


def cmd_check(args) -> int:
    from . import selfcheck

    try:
        _, items = selfcheck.run(args.notebook, progress=not args.quiet)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(selfcheck.report(items))
    return 0 if all(ex.ok for ex in items) else 1


def _print_results(results) -> None:
    from .grading import autograde

    print()
    print(autograde.table(results))
    counts = {s: sum(r.status == s for r in results)
              for s in (autograde.GRADED, autograde.FAILED, autograde.REVIEW)}
    print("\n" + ", ".join(f"{n} {s}" for s, n in counts.items()))


def cmd_grade(args) -> int:
    from .grading import autograde

    course = _course(args)
    modules = args.module or [m for m in course.modules()
                              if autograde.students(course, m)]
    if not modules:
        print(f"nothing to grade: no submissions under {course.submitted}.\n"
              "Collect them first (nbgrader collect, or copy them to "
              "submitted/<student>/<module>/).", file=sys.stderr)
        return 2
    from .grading.sandbox import Limits

    limits = Limits(wall_seconds=args.timeout, cell_seconds=min(args.cell_timeout, args.timeout),
                    memory_mb=args.memory, cpu_seconds=args.timeout)
    results = []
    try:
        for module in modules:
            results += autograde.grade(course, module, only=args.student or None,
                                       jobs=args.jobs, progress=not args.quiet, limits=limits,
                                       allow_unsandboxed=args.allow_unsandboxed)
    except autograde.GradingRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    path = autograde.export(course, results)
    _print_results(results)
    print(f"status table: {path}\nnbgrader grades: {course.root / 'grades.csv'}\n"
          f"feedback: {course.feedback}/<student>/<module>/")
    return 0


def cmd_report(args) -> int:
    from .grading import autograde, report

    course = _course(args)
    modules = args.module or [m for m in course.modules() if autograde.students(course, m)]
    if not modules:
        print("nothing to report: no submissions under submitted/", file=sys.stderr)
        return 2
    for module in modules:
        out = report.write(course, module, into=args.out)
        for kind, path in out.items():
            print(f"{kind:9} {path}")
    return 0


def cmd_demo(args) -> int:
    from .grading import demo

    course = _course(args)
    print("Grading a synthetic cohort of five students in a temporary course directory "
          "(about a minute).")
    results = demo.run(course, args.module, jobs=args.jobs, keep=args.keep,
                       progress=not args.quiet)
    _print_results(results)
    if args.keep:
        print(f"\nThe demo course directory is at {args.keep}: open feedback/ there.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="safety-course", description=__doc__.split("\n\n")[0])
    p.add_argument("--course", help="the course directory (default: the one containing the "
                                    "working directory)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    # -q also after the command (`safety-course check -q NB`); SUPPRESS keeps a -q given
    # before the command when none follows it
    quiet = argparse.ArgumentParser(add_help=False)
    quiet.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                       help="no progress bars")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("release", help="regenerate assignments/ from solutions/")
    r.add_argument("--check", action="store_true",
                   help="change nothing; exit 1 and name the module if assignments/ is stale")
    r.add_argument("--module", action="append", help="only this module (repeatable)")
    r.set_defaults(func=cmd_release)

    c = sub.add_parser("check", parents=[quiet],
                       help="run your notebook and see each exercise's status")
    c.add_argument("notebook", help="path to your .ipynb")
    c.set_defaults(func=cmd_check)

    jobs = max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else os.cpu_count() or 1)
    g = sub.add_parser("grade", parents=[quiet],
                       help="autograde every submission, write feedback and CSV")
    g.add_argument("--module", action="append", help="only this module (repeatable)")
    g.add_argument("--student", action="append", help="only this student (repeatable)")
    g.add_argument("--jobs", type=int, default=jobs, help=f"parallel workers (default {jobs})")
    g.add_argument("--timeout", type=int, default=900,
                   help="wall-clock and CPU seconds per notebook (default 900)")
    g.add_argument("--cell-timeout", type=int, default=300,
                   help="seconds per cell before it is interrupted (default 300)")
    g.add_argument("--memory", type=int, default=3072,
                   help="MiB of memory per notebook's sandbox (default 3072)")
    g.add_argument("--allow-unsandboxed", action="store_true",
                   help="grade even if the sandbox (bubblewrap) cannot start: student code "
                        "then runs with your rights")
    g.set_defaults(func=cmd_grade)

    rp = sub.add_parser("report", parents=[quiet],
                        help="cohort report: score distributions and statuses")
    rp.add_argument("--module", action="append", help="only this module (repeatable)")
    rp.add_argument("--out", type=Path, help="folder for the figure and CSVs (default reports/)")
    rp.set_defaults(func=cmd_report)

    d = sub.add_parser("demo", parents=[quiet], help="grade a synthetic five-student cohort")
    d.add_argument("--module", default="m00-orientation")
    d.add_argument("--jobs", type=int, default=jobs)
    d.add_argument("--keep", type=Path, help="copy the demo course directory here")
    d.set_defaults(func=cmd_demo)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.func in (cmd_grade, cmd_demo, cmd_report):
        from .grading import fast_imports

        fast_imports()
    try:
        return args.func(args)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
