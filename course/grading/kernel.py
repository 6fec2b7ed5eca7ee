"""The sandbox's kernel: ipykernel without its debugger, and with a quick exit.

A graded notebook is never stepped through, yet ipykernel imports debugpy at every start
when it is installed: about 0.2 s of CPU, a fifth of the kernel's own start, once per
submission. With debugpy hidden, ipykernel starts without a debugger (it checks that import
and carries on).

When the grader asks it to shut down, the kernel runs its exit handlers as usual (they save
the history, flush and close its sockets) and then leaves with the same exit code, without
tearing down the interpreter: freeing numpy, pandas and matplotlib module by module took
0.3-0.4 s a submission, while the worker waited. Nothing a student can see depends on it:
the notebook's last outputs have arrived before the grader asks, and the working folder is
thrown away. Everything else is ipykernel as the student ran it. Started as::

    python -P -m course.grading.kernel -f {connection_file}

(``-P``: the working folder is not searched for ``course`` or ``ipykernel``.)
"""

import atexit
import os
import sys


def exit_code(code) -> int:
    """The status ``sys.exit(code)`` would end the process with."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)  # sys.exit("message") prints it and ends with 1
    return 1


def main() -> None:
    sys.modules["debugpy"] = None  # makes `import debugpy` fail

    from ipykernel import kernelapp

    status = 0
    try:
        kernelapp.launch_new_instance()
    except SystemExit as exc:
        status = exit_code(exc.code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):
            pass
    os._exit(status)


if __name__ == "__main__":
    main()
